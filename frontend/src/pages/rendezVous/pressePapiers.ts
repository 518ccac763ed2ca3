/** Copies through the Clipboard API; false where it is missing or refused (plain http, permissions), for the screen to offer a manual copy. */
export async function copier(texte: string, presse: Pick<Clipboard, "writeText"> | undefined = globalThis.navigator?.clipboard): Promise<boolean> {
  try {
    if (!presse?.writeText) return false;
    await presse.writeText(texte);
    return true;
  } catch {
    return false;
  }
}
