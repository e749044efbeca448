// The generated quarantine list of `npm run bench:import` and `npm run bench`: valid NIKs
// (region + birth date + serial, unique), unique mobile numbers; 0.5 % of the lines repeat
// the NIK of the line 100 rows earlier and 1 % have a phone number that is not one.
import { createWriteStream } from "node:fs";
import { once } from "node:events";

export async function writeCohortFile(file: string, rows: number, opts: { phonePrefix?: string } = {}): Promise<void> {
  const phonePrefix = opts.phonePrefix ?? "0813";
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write("nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina\r\n");
  const regencies = ["3174", "3507", "3301", "3201", "5201", "1801", "3578", "3273"];
  const countries = ["MY", "Hong Kong", "Taiwan", "Arab Saudi", "SG", "KR"];
  const names = ["Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Salim", "Rina Wati", "Eko Prasetyo"];
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  // Person i: a birth date unique among 8,400 (day, month, year), the serial counts on.
  const person = (i: number) => {
    const female = i % 2 === 1;
    const day = 1 + (i % 28);
    const month = 1 + (Math.floor(i / 28) % 12);
    const year = 1975 + (Math.floor(i / 336) % 25);
    const regency = regencies[i % regencies.length];
    const nik = `${regency}01${pad(day + (female ? 40 : 0))}${pad(month)}${String(year).slice(2)}${pad(1 + Math.floor(i / 8400), 4)}`;
    return { nik, name: names[i % names.length], birth: `${year}-${pad(month)}-${pad(day)}`, sex: female ? "P" : "L", province: regency.slice(0, 2) };
  };
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const p = i % 200 === 199 ? person(i - 100) : person(i);
    const phone = i % 100 === 37 ? "12345" : `${phonePrefix}${pad(10_000_000 + i, 8)}`;
    chunk += `${p.nik},${p.name},${p.birth},${p.sex},${phone},${p.province},${countries[i % countries.length]},2021-06-${pad(1 + (i % 28))},Wisma Atlet Kemayoran\r\n`;
    if (chunk.length > 64_000) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  out.end();
  await once(out, "finish");
}
