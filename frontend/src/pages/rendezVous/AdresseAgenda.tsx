/**
 * The secret address of the user's calendar (.ics): created on demand (the API
 * shows it once and replaces the previous one), copied to the clipboard where
 * the browser allows it, shown in a field to copy by hand otherwise; revocable.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useEffect, useRef, useState } from "react";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { formatDateHeure } from "../../lib/dates";
import { copier } from "./pressePapiers";

type Etat =
  | { type: "repos" }
  | { type: "cree"; url: string; creeLe: string; copie: boolean }
  | { type: "revoque" }
  | { type: "erreur"; message: string };

export function AdresseAgenda() {
  const [etat, setEtat] = useState<Etat>({ type: "repos" });
  // No field here: a refusal is the API's sentence (or this screen's for "nothing to revoke").
  const { envoyer, envoi } = useEnvoi({
    adapterErreurs: () => ({}),
    surRefus: (echec) => setEtat({ type: "erreur", message: echec.message }),
  });
  const champ = useRef<HTMLInputElement>(null);

  // When the copy failed, the address is selected so that Ctrl+C is enough.
  useEffect(() => {
    if (etat.type === "cree" && !etat.copie) {
      champ.current?.focus();
      champ.current?.select();
    }
  }, [etat]);

  const creer = async () => {
    const fait = await envoyer(() => api.POST("/api/v1/calendrier/jeton"), {
      messageRefus: ({ probleme, statut }) => messageErreur(probleme, statut),
    });
    if (!fait) return;
    const copie = await copier(fait.donnees.url);
    setEtat({ type: "cree", url: fait.donnees.url, creeLe: fait.donnees.cree_le, copie });
  };

  const revoquer = async () => {
    const fait = await envoyer(() => api.DELETE("/api/v1/calendrier/jeton"), {
      messageRefus: ({ probleme, statut }) =>
        statut === 404 ? "Aucune adresse d'agenda n'était active : il n'y avait rien à révoquer." : messageErreur(probleme, statut),
    });
    if (fait) setEtat({ type: "revoque" });
  };

  return (
    <section className="fr-p-3w fr-background-alt--grey fr-mt-6w" aria-labelledby="titre-adresse-agenda">
      <h2 id="titre-adresse-agenda" className="fr-h5">
        Mon agenda dans un autre calendrier
      </h2>
      <p className="fr-text--sm">
        Une adresse secrète permet à votre calendrier (Outlook, Thunderbird, téléphone…) d'afficher vos rendez-vous planifiés. Chaque
        rendez-vous n'y porte que la référence du ménage et le lieu. Créer une adresse remplace la précédente, qui cesse de fonctionner ;
        révoquez-la si elle a pu être vue par quelqu'un d'autre.
      </p>
      <div className="ancrage-pied-formulaire fr-mb-2w">
        <Button type="button" iconId="fr-icon-calendar-line" disabled={envoi} onClick={() => void creer()}>
          Copier l'adresse de mon agenda
        </Button>
        <Button type="button" priority="secondary" disabled={envoi} onClick={() => void revoquer()}>
          Révoquer l'adresse de mon agenda
        </Button>
      </div>
      <div aria-live="polite">
        {etat.type === "cree" && (
          <>
            <Alert
              small
              severity={etat.copie ? "success" : "info"}
              className="fr-mb-2w"
              description={
                etat.copie
                  ? "Adresse copiée dans le presse-papiers. Collez-la dans votre calendrier (« S'abonner à un calendrier » ou « Ajouter depuis une URL »)."
                  : "La copie automatique n'est pas possible dans ce navigateur : l'adresse est sélectionnée ci-dessous, copiez-la avec Ctrl+C (ou ⌘+C)."
              }
            />
            <Input
              label="Adresse de mon agenda (iCalendar)"
              hintText={`Créée le ${formatDateHeure(etat.creeLe)} ; elle ne sera plus affichée ensuite.`}
              nativeInputProps={{
                ref: champ,
                value: etat.url,
                readOnly: true,
                className: "ancrage-secret",
                onFocus: (e) => e.target.select(),
              }}
            />
          </>
        )}
        {etat.type === "revoque" && (
          <Alert small severity="success" description="Adresse révoquée : votre calendrier ne reçoit plus vos rendez-vous." />
        )}
        {etat.type === "erreur" && <Alert small severity="error" description={etat.message} />}
      </div>
    </section>
  );
}
