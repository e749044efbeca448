"use client";

import { useState, useSyncExternalStore } from "react";
import { Field } from "@/components/field";

type Option = { code: string; name: string };

const noSubscription = () => () => {};

/**
 * The province and regency selects of a place of residence (registration and both contact
 * forms). Form fields `provinceCode` (two digits) and `regencyCode` (four). Without
 * JavaScript every regency is listed, grouped by province; with it, only the chosen
 * province's. The server checks that the regency lies in the province either way.
 */
export function ProvinceRegencyFields(props: {
  provinces: Option[];
  /** Each regency's province is the first two digits of its code. */
  regencies: Option[];
  values: { provinceCode?: string; regencyCode?: string };
  errors: { provinceCode?: string[]; regencyCode?: string[] };
  labels: { provinceCode: string; regencyCode: string; chooseProvince: string; chooseRegency: string };
}) {
  const { values: v, errors: e, labels } = props;
  const [province, setProvince] = useState(v.provinceCode ?? "");
  // Narrowed only once JavaScript runs: the server's HTML lists every regency even when a
  // province is already chosen (a contact form), so a move works without JavaScript.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const regencyGroups = props.provinces.filter((p) => !hydrated || !province || p.code === province);
  return (
    <>
      <Field name="provinceCode" label={labels.provinceCode} errors={e.provinceCode} required>
        {(p) => (
          <select {...p} defaultValue={v.provinceCode ?? ""} onChange={(ev) => setProvince(ev.target.value)}>
            <option value="">{labels.chooseProvince}</option>
            {props.provinces.map((o) => (
              <option key={o.code} value={o.code}>
                {o.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="regencyCode" label={labels.regencyCode} errors={e.regencyCode} required>
        {(p) => (
          <select {...p} defaultValue={v.regencyCode ?? ""} key={province}>
            <option value="">{labels.chooseRegency}</option>
            {regencyGroups.map((g) => (
              <optgroup key={g.code} label={g.name}>
                {props.regencies
                  .filter((r) => r.code.startsWith(g.code))
                  .map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}
