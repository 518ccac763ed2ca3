/**
 * A commune typed by its name or postcode (« Rennes », « 35200 »), chosen in the
 * référentiel's suggestions (WAI-ARIA combobox: arrows, Enter, Escape), kept as its
 * INSEE code. An unambiguous text (« Rennes ») is taken when the field is left; a
 * code typed as such (« 35238 ») is taken as it is.
 */
import { useEffect, useId, useRef, useState } from "react";

import { api } from "../api/client";
import type { ErreursChamps } from "../api/problem";
import { codeTape, communeVoulue, libelleCommune, ligneSuggestion, type CommunePublic } from "../lib/communes";

const cache = new Map<string, CommunePublic | null>();

/** One commune by its code, read once per page load (the référentiel does not change). */
export async function lireCommune(code: string): Promise<CommunePublic | null> {
  if (!cache.has(code)) {
    const { data } = await api.GET("/api/v1/communes/{code}", { params: { path: { code } } });
    cache.set(code, data ?? null);
  }
  return cache.get(code) ?? null;
}

/** « Rennes » for 35238 (the code itself until the name is read, or if it is unknown). */
export function NomCommune({ code }: { code: string | null | undefined }) {
  const [nom, setNom] = useState<string | null>(code ? (cache.get(code)?.nom ?? null) : null);
  useEffect(() => {
    let actuel = true;
    if (code) void lireCommune(code).then((c) => actuel && setNom(c?.nom ?? null));
    return () => {
      actuel = false;
    };
  }, [code]);
  if (!code) return <>—</>;
  return <>{nom ?? code}</>;
}

interface Props {
  cle: string;
  label: string;
  erreurs: ErreursChamps;
  valeur: string;
  onChange: (code: string) => void;
  hint?: string;
  className?: string;
}

export function ChampCommune({ cle, label, erreurs, valeur, onChange, hint, className }: Props) {
  const id = useId();
  const [texte, setTexte] = useState("");
  const [suggestions, setSuggestions] = useState<CommunePublic[]>([]);
  const [ouvert, setOuvert] = useState(false);
  const [actif, setActif] = useState(-1);
  const choisi = useRef<string | null>(null);
  const emis = useRef<string | null>(null); // the value sent while typing

  // A value set from outside (the household being edited, codes pasted): shown as it is,
  // then by its name when it is a known code.
  useEffect(() => {
    if (valeur === choisi.current || valeur === emis.current) return;
    setTexte(valeur);
    if (!codeTape(valeur)) return;
    let actuel = true;
    void lireCommune(valeur).then((c) => {
      if (actuel && c) {
        choisi.current = c.code;
        setTexte(libelleCommune(c));
      }
    });
    return () => {
      actuel = false;
    };
  }, [valeur]);

  // Suggestions for what is typed, 200 ms after the last key.
  useEffect(() => {
    if (!ouvert || texte.trim().length < 2) {
      setSuggestions([]);
      return;
    }
    let actuel = true;
    const minuterie = setTimeout(() => {
      void api.GET("/api/v1/communes", { params: { query: { q: texte.trim(), limit: 8 } } }).then(({ data }) => {
        if (actuel) {
          setSuggestions(data ?? []);
          setActif(-1);
        }
      });
    }, 200);
    return () => {
      actuel = false;
      clearTimeout(minuterie);
    };
  }, [texte, ouvert]);

  const choisir = (c: CommunePublic) => {
    choisi.current = c.code;
    setTexte(libelleCommune(c));
    setOuvert(false);
    onChange(c.code);
  };

  const saisir = (t: string) => {
    setTexte(t);
    setOuvert(true);
    choisi.current = null;
    // Until a commune is chosen the text itself is the value: a code typed as such is kept,
    // anything else is sent as typed and the API names the field.
    emis.current = codeTape(t) ?? t.trim();
    onChange(emis.current);
  };

  const quitter = () => {
    setOuvert(false);
    if (choisi.current || !texte.trim()) return;
    const voulue = communeVoulue(texte, suggestions);
    if (voulue) choisir(voulue);
  };

  const message = erreurs[cle];
  const liste = `${id}-liste`;
  const montrer = ouvert && suggestions.length > 0;
  return (
    <div className={`fr-input-group${message ? " fr-input-group--error" : ""} ancrage-combobox ${className ?? ""}`}>
      <label className="fr-label" htmlFor={id}>
        {label}
        <span className="fr-hint-text">{hint ?? "Nom ou code postal, puis choisissez dans la liste (ex. Rennes, 35200)"}</span>
      </label>
      <input
        id={id}
        name={cle}
        className={`fr-input${message ? " fr-input--error" : ""}`}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={montrer}
        aria-controls={liste}
        aria-activedescendant={montrer && actif >= 0 ? `${liste}-${actif}` : undefined}
        aria-describedby={message ? `${id}-erreur` : undefined}
        autoComplete="off"
        value={texte}
        onChange={(e) => saisir(e.target.value)}
        onBlur={() => setTimeout(quitter, 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && suggestions.length) {
            e.preventDefault();
            setOuvert(true);
            setActif((a) => Math.min(a + 1, suggestions.length - 1));
          } else if (e.key === "ArrowUp" && suggestions.length) {
            e.preventDefault();
            setActif((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && montrer) {
            e.preventDefault();
            const c = suggestions[actif >= 0 ? actif : 0] ?? null;
            if (c) choisir(c);
          } else if (e.key === "Escape") {
            setOuvert(false);
          }
        }}
      />
      <ul id={liste} role="listbox" aria-label={`Communes proposées pour « ${texte} »`} className="ancrage-combobox__liste" hidden={!montrer}>
        {suggestions.map((c, i) => (
          <li
            key={c.code}
            id={`${liste}-${i}`}
            role="option"
            aria-selected={i === actif}
            className={i === actif ? "ancrage-combobox__actif" : undefined}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus in the field
              choisir(c);
            }}
          >
            {ligneSuggestion(c)}
          </li>
        ))}
      </ul>
      {message && (
        <p id={`${id}-erreur`} className="fr-error-text">
          {message}
        </p>
      )}
    </div>
  );
}
