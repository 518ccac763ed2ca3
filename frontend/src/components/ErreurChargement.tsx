import { Alert } from "@codegouvfr/react-dsfr/Alert";

export function ErreurChargement({ message, titre = "Chargement impossible" }: { message: string; titre?: string }) {
  return <Alert severity="error" title={titre} description={message} className="fr-my-3w" />;
}
