import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { FormEvent } from "react";

/** The search box of a list (ménages, mesures, orientations): one field and its button, the text
 * kept by the page until it is submitted (the page puts it in the address, so a search can be shared). */
export function BarreRecherche({
  nom,
  libelle = "Rechercher par nom ou référence",
  aide,
  saisie,
  setSaisie,
  rechercher,
}: {
  nom: string;
  libelle?: string;
  aide: string;
  saisie: string;
  setSaisie: (valeur: string) => void;
  rechercher: (e: FormEvent) => void;
}) {
  return (
    <form onSubmit={rechercher} role="search" className="fr-mb-4w">
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-8">
          <Input
            label={libelle}
            hintText={aide}
            nativeInputProps={{ type: "search", name: nom, value: saisie, onChange: (e) => setSaisie(e.target.value), maxLength: 100 }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Button type="submit" iconId="fr-icon-search-line">
            Rechercher
          </Button>
        </div>
      </div>
    </form>
  );
}
