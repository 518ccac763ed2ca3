/** The 412 banner of an edit screen: someone saved it meanwhile; nothing was overwritten. */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import type { ReactNode } from "react";

export function AlertePerime({
  titre,
  children,
  libelleBouton,
  onRecharger,
  annoncer = false,
}: {
  titre: string;
  children: ReactNode;
  libelleBouton: string;
  onRecharger: () => void;
  /** role="alert": read out at once (the save button was pressed just before). */
  annoncer?: boolean;
}) {
  return (
    <div className="fr-mb-3w" role={annoncer ? "alert" : undefined}>
      <Alert
        severity="warning"
        title={titre}
        description={
          <>
            <span style={{ display: "block" }} className="fr-mb-1w">
              {children}
            </span>
            <Button type="button" size="small" onClick={onRecharger}>
              {libelleBouton}
            </Button>
          </>
        }
      />
    </div>
  );
}
