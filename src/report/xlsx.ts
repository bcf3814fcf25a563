import ExcelJS from "exceljs";
import type { AnnualReport } from "../domain/report/annual.js";
import { reportTables, type RenderOptions } from "./tables.js";

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
const sheetName = (title: string) => title.replace(/[[\]:*?/\\]/g, " ").slice(0, 31);

/** The annual report as XLSX: one sheet per table, real numbers and dates, a frozen bold header row. */
export async function reportXlsx(report: AnnualReport, o: RenderOptions): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "gopy";
  wb.created = report.generatedAt;
  for (const table of reportTables(report, o)) {
    const ws = wb.addWorksheet(sheetName(table.title), { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = table.columns.map((c) => ({ header: c.header, width: c.width }));
    table.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      if (c.kind === "date") col.numFmt = "dd/mm/yyyy";
      if (c.kind === "number") col.numFmt = "#,##0";
      if (c.kind === "text") col.alignment = { wrapText: true, vertical: "top" };
    });
    for (const row of table.rows) ws.addRow(row);
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: "middle" };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
