import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";

import type { ErreursChamps } from "../../api/problem";
import { ChampCommune } from "../../components/ChampCommune";
import { communeVide, decouperCommunes, type CommuneForm } from "./formulaires";

/**
 * Communes by INSEE code, one row each (an error from the API shows under its
 * row), plus a field to paste several codes at once.
 */
export function ListeCommunes({
  communes,
  onChange,
  erreurs,
  requis = false,
}: {
  communes: CommuneForm[];
  onChange: (c: CommuneForm[]) => void;
  erreurs: ErreursChamps;
  requis?: boolean;
}) {
  const [collage, setCollage] = useState("");
  const ajouterCollage = () => {
    const codes = decouperCommunes(collage);
    if (!codes.length) return;
    const gardees = communes.filter((c) => c.code.trim() !== "");
    const deja = new Set(gardees.map((c) => c.code.trim().toUpperCase()));
    onChange([...gardees, ...codes.filter((c) => !deja.has(c)).map((c) => communeVide(c))]);
    setCollage("");
  };
  return (
    <fieldset className="fr-fieldset" aria-labelledby="legende-communes">
      <legend id="legende-communes" className="fr-fieldset__legend fr-h5">
        Communes couvertes ({communes.filter((c) => c.code.trim()).length})
        <span className="fr-hint-text">
          Par leur nom (Rennes), leur code postal (35200) ou leur code INSEE (35238).{requis ? " Une commune au moins." : ""}
        </span>
      </legend>
      <div className="fr-fieldset__element">
        {erreurs["communes"] && (
          <p className="fr-error-text fr-mb-2w" role="alert">
            {erreurs["communes"]}
          </p>
        )}
        <div className="fr-grid-row fr-grid-row--gutters">
          {communes.map((c, i) => (
            <div key={c.cle} className="fr-col-12 fr-col-sm-6 fr-col-md-3" role="group" aria-label={`Commune ${i + 1}`}>
              <ChampCommune cle={`communes.${i}`} label={`Commune ${i + 1}`} erreurs={erreurs} valeur={c.code} hint="Nom, code postal ou code INSEE"
                onChange={(v) => onChange(communes.map((x, j) => (j === i ? { ...x, code: v } : x)))} />
              <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-delete-line"
                onClick={() => onChange(communes.filter((_, j) => j !== i))}>
                Retirer<span className="fr-sr-only"> la commune {i + 1}{c.code ? ` (${c.code})` : ""}</span>
              </Button>
            </div>
          ))}
        </div>
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mt-1w">
          <div className="fr-col-12 fr-col-md-3">
            <Button type="button" priority="secondary" size="small" iconId="fr-icon-add-line" onClick={() => onChange([...communes, communeVide()])}>
              Ajouter une commune
            </Button>
          </div>
          <div className="fr-col-12 fr-col-md-6">
            <Input label="Ou coller plusieurs codes" hintText="Séparés par des espaces, virgules ou retours à la ligne"
              nativeInputProps={{ name: "communes_collees", value: collage, onChange: (e) => setCollage(e.target.value),
                onKeyDown: (e) => { if (e.key === "Enter") { e.preventDefault(); ajouterCollage(); } } }} />
          </div>
          <div className="fr-col-12 fr-col-md-3">
            <Button type="button" priority="secondary" size="small" onClick={ajouterCollage} disabled={!collage.trim()}>
              Ajouter ces codes
            </Button>
          </div>
        </div>
      </div>
    </fieldset>
  );
}
