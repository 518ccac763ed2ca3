/** DSFR fields wired to a form's error map: the API's message shows under its field. */
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { type InputHTMLAttributes, useEffect, useState } from "react";

import { type ErreursChamps, phraseChamp } from "../api/problem";

interface Commun {
  cle: string;
  label: string;
  erreurs: ErreursChamps;
  hint?: string;
  className?: string;
}

function etat(erreurs: ErreursChamps, cle: string, label: string) {
  const message = erreurs[cle];
  return message ? ({ state: "error", stateRelatedMessage: phraseChamp(label, message) } as const) : ({ state: "default" } as const);
}

export function ChampTexte({
  cle,
  label,
  erreurs,
  hint,
  className,
  valeur,
  onChange,
  ...natifs
}: Commun & { valeur: string; onChange: (v: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value">) {
  return (
    <Input
      label={label}
      hintText={hint}
      className={className}
      {...etat(erreurs, cle, label)}
      nativeInputProps={{ name: cle, value: valeur, onChange: (e) => onChange(e.target.value), ...natifs }}
    />
  );
}

export function ChampListe<K extends string>({
  cle,
  label,
  erreurs,
  hint,
  className,
  valeur,
  onChange,
  options,
  vide,
  required,
}: Commun & {
  valeur: K | "";
  onChange: (v: K | "") => void;
  options: { value: K; label: string }[];
  /** Label of the empty choice; absent: a value is required. */
  vide?: string;
  required?: boolean;
}) {
  return (
    <Select
      label={label}
      hint={hint}
      className={className}
      {...etat(erreurs, cle, label)}
      nativeSelectProps={{ name: cle, value: valeur, required, onChange: (e) => onChange(e.target.value as K | "") }}
    >
      {vide !== undefined && <option value="">{vide}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}

/** Errors the screen has no field for, listed at the top with their field's name. */
export function ResumeErreurs({ titre, message, orphelines }: { titre: string; message: string; orphelines: ErreursChamps }) {
  const entrees = Object.entries(orphelines);
  return (
    <div role="alert" className="fr-alert fr-alert--error fr-mb-3w" tabIndex={-1}>
      <h2 className="fr-alert__title">{titre}</h2>
      <p>{message}</p>
      {entrees.length > 0 && (
        <ul>
          {entrees.map(([cle, msg]) => (
            <li key={cle}>
              {cle ? <code>{cle}</code> : "Dossier"} : {msg}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A choice among many, found by typing (a name, a reference): a text field with the
 * browser's own suggestion list (<datalist>), so it stays a labelled input for screen
 * readers and keyboards. The value is the chosen option's id; typing something that is
 * no option's label leaves it empty (the API then says the field is required).
 */
export function ChampRecherche({
  cle,
  label,
  erreurs,
  hint,
  className,
  valeur,
  onChange,
  options,
  required,
}: Commun & { valeur: string; onChange: (v: string) => void; options: { value: string; label: string }[]; required?: boolean }) {
  const libelleDe = (id: string) => options.find((o) => o.value === id)?.label ?? "";
  const [saisie, setSaisie] = useState(() => libelleDe(valeur));
  // The value chosen from elsewhere (the address's ?mesure=, a reset) shows in the field.
  useEffect(() => {
    if (valeur) setSaisie(libelleDe(valeur));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [valeur, options]);
  const liste = `${cle}-choix`;
  return (
    <div className={className}>
      <Input
        label={label}
        hintText={hint}
        {...etat(erreurs, cle, label)}
        nativeInputProps={{
          name: cle,
          list: liste,
          value: saisie,
          required,
          autoComplete: "off",
          onChange: (e) => {
            setSaisie(e.target.value);
            onChange(options.find((o) => o.label === e.target.value)?.value ?? "");
          },
        }}
      />
      <datalist id={liste}>
        {options.map((o) => (
          <option key={o.value} value={o.label} />
        ))}
      </datalist>
    </div>
  );
}
