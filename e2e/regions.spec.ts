import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { demo, expect, signIn, test } from "./fixtures";

// Regional offices (issue 19): the PMO makes a region and a coordinator for it; the
// coordinator activates with the code and reads the dashboard of their provinces only;
// PMO pages that are not scoped yet answer them 403.

const token = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const section = (page: Page, heading: string) => page.locator("section", { has: page.getByRole("heading", { name: heading, exact: true }) });

test("the PMO makes a region and its coordinator, who activates and sees only the region's provinces", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const run = token();
  const regionName = `Wilayah Nusa Tenggara ${run}`;
  const email = `koordinator.${run}@bp2mi.test`;
  // A person's name has letters only.
  const person = `Yohanes ${run.replace(/\d/g, (d) => "abcdefghij"[Number(d)])}`;

  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/regions");
  // The demo's two regions, with their provinces.
  const table = page.locator('[data-table="regions"]');
  await expect(table.locator('[data-region="Kantor Wilayah Jawa Timur"]')).toContainText("Jawa Timur");
  await expect(table.locator('[data-region="Kantor Wilayah Jawa Tengah dan DIY"]')).toContainText("DI Yogyakarta");

  // A province of another region cannot be ticked; nothing ticked is refused beside the field.
  const create = section(page, "Wilayah baru");
  await expect(create.getByLabel(/^Jawa Timur/)).toBeDisabled();
  await create.getByLabel("Nama wilayah").fill(regionName);
  await create.getByRole("button", { name: "Buat wilayah" }).click();
  await expect(create.locator("#region-new-provinceCodes-error")).toHaveText("Pilih paling sedikit satu provinsi.");
  await expect(create.getByLabel("Nama wilayah")).toHaveValue(regionName);

  // Two provinces of the demo's participants that no region holds yet (NTB and NTT on a
  // fresh database; others when an earlier run took them).
  const chosen: string[] = [];
  for (const code of ["52", "53", "32", "18", "12", "36", "31"]) {
    const box = create.locator(`input[name="provinceCodes"][value="${code}"]`);
    if (chosen.length < 2 && (await box.isEnabled())) {
      await box.check();
      chosen.push(code);
    }
  }
  expect(chosen).toHaveLength(2);
  const NAMES: Record<string, string> = { "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur", "32": "Jawa Barat", "18": "Lampung", "12": "Sumatera Utara", "36": "Banten", "31": "DKI Jakarta" };
  const chosenNames = chosen.map((c) => NAMES[c]);
  await create.getByRole("button", { name: "Buat wilayah" }).click();
  await expect(create.getByText(`Wilayah ${regionName} dibuat.`)).toBeVisible();
  await expect(table.locator(`[data-region="${regionName}"]`)).toBeVisible();

  // A coordinator for it, with the code shown once.
  const newCoordinator = section(page, "Koordinator baru");
  await newCoordinator.getByLabel("Nama lengkap").fill(person);
  await newCoordinator.getByLabel("Email").fill(email);
  await newCoordinator.getByLabel(regionName).check();
  await newCoordinator.getByRole("button", { name: "Buat akun koordinator" }).click();
  await expect(newCoordinator.getByRole("heading", { name: `Akun koordinator ${person} dibuat` })).toBeVisible();
  const code = (await newCoordinator.locator("#activation-code").innerText()).trim();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // The coordinator sets a password and lands on the dashboard of their provinces.
  const context = await browser.newContext();
  const coordinator = await context.newPage();
  await coordinator.goto("/activate");
  await coordinator.locator('[name="identifier"]').fill(email);
  await coordinator.locator('[name="code"]').fill(code);
  await coordinator.locator('[name="password"]').fill("sandi-koordinator-baru");
  await coordinator.locator("form").filter({ has: coordinator.locator('[name="code"]') }).locator('button[type="submit"]').click();
  await coordinator.waitForURL("**/pmo");
  const nav = coordinator.getByRole("navigation", { name: "Menu PMO" });
  await expect(nav.getByRole("link")).toHaveText(["Dasbor", "Peserta", "Pendamping", "Laporan bulanan", "Survei", "Pertanyaan peserta", "Log audit"]);
  // The province table beside the map: figures for their provinces only.
  const shown = await coordinator.locator('[data-table="provinces"] tbody tr[data-province]').evaluateAll((rows) =>
    rows
      .filter((r) => (r.querySelector('[data-figure="participants"]')?.textContent ?? "0").trim() !== "0")
      .map((r) => r.getAttribute("data-province")),
  );
  for (const province of shown) expect(chosen).toContain(province);
  // Their participant list holds their provinces' participants only (a new region: maybe none).
  await coordinator.goto("/pmo/participants");
  for (const province of await coordinator.locator("main table tbody tr td:nth-child(5)").allInnerTexts()) {
    expect(chosenNames).toContain(province.trim());
  }
  const refused = await coordinator.goto("/pmo/imports");
  expect(refused?.status()).toBe(403);
  await context.close();
});

test("a coordinator's regions are changed by the PMO without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/regions");
  const item = page.locator(`[data-coordinator="${demo.coordinator2}"]`);
  await expect(item).toContainText("Wilayah kerja: Kantor Wilayah Jawa Tengah dan DIY");
  await item.locator("summary").click();
  await item.getByLabel("Kantor Wilayah Jawa Timur").check();
  await item.getByRole("button", { name: "Simpan wilayah kerja" }).click();
  await expect(page.locator(`[data-coordinator="${demo.coordinator2}"]`)).toContainText(/Wilayah kerja: .*Kantor Wilayah Jawa Tengah dan DIY/);
  await expect(page.locator(`[data-coordinator="${demo.coordinator2}"]`)).toContainText("Kantor Wilayah Jawa Timur");
  // Put back as the demo has it.
  const again = page.locator(`[data-coordinator="${demo.coordinator2}"]`);
  await again.locator("summary").click();
  await again.getByLabel("Kantor Wilayah Jawa Timur").uncheck();
  await again.getByRole("button", { name: "Simpan wilayah kerja" }).click();
  await expect(page.locator(`[data-coordinator="${demo.coordinator2}"]`)).toContainText("Wilayah kerja: Kantor Wilayah Jawa Tengah dan DIY");
  await context.close();
});

test("the PMO disables a coordinator, whose open session ends at once, and enables them again", async ({ browser }) => {
  const coordinatorContext = await browser.newContext();
  const coordinator = await coordinatorContext.newPage();
  await signIn(coordinator, demo.coordinator2, demo.password);
  await coordinator.goto("/pmo");
  await expect(coordinator).toHaveURL(/\/pmo$/);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/regions");
  const item = () => page.locator(`[data-coordinator="${demo.coordinator2}"]`);
  await item().getByRole("button", { name: /^Nonaktifkan akun/ }).click();
  await expect(item()).toContainText("nonaktif");

  await coordinator.goto("/pmo");
  await expect(coordinator).toHaveURL(/\/login/);

  await item().getByRole("button", { name: /^Aktifkan kembali/ }).click();
  await expect(item()).toContainText("aktif");
  await expect(item().getByRole("button", { name: /^Nonaktifkan akun/ })).toBeVisible();
  await signIn(coordinator, demo.coordinator2, demo.password);
  await expect(coordinator).toHaveURL(/\/pmo$/);
  await coordinatorContext.close();
  await context.close();
});
