/** The procès-verbal's files, fetched with the bearer token then saved under the server's name. */
import { api } from "../../../api/client";
import { messageErreur } from "../../../api/problem";
import { nomFichier } from "../decision";

export const FORMATS_PV = [
  { format: "pdf", libelle: "PDF à imprimer et signer" },
  { format: "docx", libelle: "Word (DOCX) à modifier" },
  { format: "csv", libelle: "CSV pour un tableur" },
] as const;

export type FormatPv = (typeof FORMATS_PV)[number]["format"];

const CHEMINS = {
  pdf: "/api/v1/commissions/{session_id}/proces-verbal.pdf",
  docx: "/api/v1/commissions/{session_id}/proces-verbal.docx",
  csv: "/api/v1/commissions/{session_id}/proces-verbal.csv",
} as const;

/** Downloads the minutes; returns an error message, or null when the file was saved. */
export async function telechargerPv(sessionId: string, format: FormatPv, date: string): Promise<string | null> {
  try {
    const { data, error, response } = await api.GET(CHEMINS[format], { params: { path: { session_id: sessionId } }, parseAs: "blob" });
    if (!data) return messageErreur(error, response.status);
    const url = URL.createObjectURL(data as Blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = nomFichier(response.headers.get("Content-Disposition"), `pv-commission-${date}.${format}`);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return null;
  } catch (e) {
    return messageErreur(e);
  }
}
