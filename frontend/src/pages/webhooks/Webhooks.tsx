import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { $api, echecLecture } from "../../api/requetes";
import type { WebhookPublic } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { genererSecret } from "../admin/formulaires";

const CHAMPS = ["url", "secret"];

/**
 * The webhooks of one's organisation (bailleur or prescripteur): its system is
 * told each change of status of the referrals the organisation made. Only a
 * responsable (or the organisation's API client) manages them
 * (api/orientations/webhooks.py); an agent reads the list.
 */
export default function Webhooks() {
  const moi = useMoi();
  const gestionnaire = moi.role === "responsable";
  const lu = $api.useQuery("get", "/api/v1/webhooks");
  const liste = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message };
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState(() => genererSecret());
  const [cree, setCree] = useState<{ webhook: WebhookPublic; secret: string } | null>(null);
  const [copie, setCopie] = useState(false);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: CHAMPS });
  const [aSupprimer, setASupprimer] = useState<WebhookPublic | null>(null);
  const [succes, setSucces] = useState<string | null>(null);

  const creer = async (e: FormEvent) => {
    e.preventDefault();
    setCree(null);
    setSucces(null);
    const fait = await envoyer(() => api.POST("/api/v1/webhooks", { body: { url: url.trim(), secret } }));
    if (!fait) return;
    setCree({ webhook: fait.donnees, secret });
    setCopie(false);
    setUrl("");
    setSecret(genererSecret());
    void lu.refetch();
  };

  const supprimer = async (w: WebhookPublic) => {
    setSucces(null);
    // A deletion has no field: the API's sentence, above the form.
    const fait = await envoyer(() => api.DELETE("/api/v1/webhooks/{webhook_id}", { params: { path: { webhook_id: w.id } } }), {
      adapterErreurs: () => ({}),
      messageRefus: ({ probleme, statut }) => messageErreur(probleme, statut),
    });
    setASupprimer(null);
    if (!fait) return;
    setSucces(`Webhook ${w.url} supprimé : plus rien ne lui sera envoyé.`);
    if (cree?.webhook.id === w.id) setCree(null);
    void lu.refetch();
  };

  return (
    <>
      <Titre sousTitre="Votre système d'information reçoit un message signé à chaque changement de statut d'une orientation faite par votre organisation.">
        Webhooks
      </Titre>
      <details className="fr-mb-4w">
        <summary>Ce qui est envoyé et comment le vérifier</summary>
        <p className="fr-mt-2w fr-text--sm">
          Une requête <code>POST</code> au format JSON : statut de l'orientation, motif codé d'un refus, dates — jamais de nom ni de
          cible. L'en-tête <code>X-Ancrage-Signature</code> vaut <code>sha256=</code> suivi du HMAC-SHA256, avec le secret, de
          « <code>X-Ancrage-Timestamp</code>.corps ». Une réponse 2xx vaut réception ; sinon Ancrage réessaie (8 tentatives en
          environ une heure).
        </p>
      </details>

      {cree && (
        <div className="fr-mb-4w">
          <Alert
            severity="warning"
            title="Webhook créé : copiez son secret maintenant"
            description={
              <>
                <span style={{ display: "block" }}>
                  Ce secret ne sera plus jamais affiché : Ancrage ne le montre qu'une fois. Enregistrez-le dans votre système pour
                  vérifier la signature des messages reçus par {cree.webhook.url}.
                </span>
                <span style={{ display: "block" }} className="fr-mt-1w">
                  Secret : <code className="ancrage-secret" data-testid="secret-webhook">{cree.secret}</code>
                </span>
                <Button type="button" size="small" priority="secondary" className="fr-mt-2w" iconId="fr-icon-clipboard-line"
                  onClick={() => void navigator.clipboard?.writeText(cree.secret).then(() => setCopie(true), () => undefined)}>
                  {copie ? "Secret copié" : "Copier le secret"}
                </Button>
              </>
            }
          />
        </div>
      )}
      {succes && (
        <p role="status" className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">
          {succes}
        </p>
      )}
      {aSupprimer && (
        <div role="alertdialog" aria-labelledby="titre-confirmation" className="fr-alert fr-alert--warning fr-mb-3w">
          <h2 id="titre-confirmation" className="fr-alert__title">
            Supprimer le webhook {aSupprimer.url} ?
          </h2>
          <p>Votre système ne recevra plus les changements de statut. Les livraisons passées restent dans l'historique.</p>
          <div className="ancrage-pied-formulaire fr-mt-2w">
            <Button type="button" size="small" onClick={() => void supprimer(aSupprimer)} nativeButtonProps={{ autoFocus: true }}>
              Confirmer la suppression
            </Button>
            <Button type="button" size="small" priority="secondary" onClick={() => setASupprimer(null)}>
              Annuler
            </Button>
          </div>
        </div>
      )}

      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.length === 0 ? "Aucun webhook déclaré pour votre organisation." : `${liste.donnees.length} webhook(s)`}</p>
          {liste.donnees.length > 0 && (
            <Table
              caption="Webhooks"
              noCaption
              headers={["Adresse", "Créé le", "État", "Actions"]}
              data={liste.donnees.map((w) => [
                <code key="url" className="ancrage-secret">{w.url}</code>,
                formatDateHeure(w.cree_le),
                w.actif ? <Badge severity="success" small>Actif</Badge> : <Badge small>Supprimé</Badge>,
                <span key="actions" className="ancrage-table-actions">
                  <Link to={`/webhooks/${w.id}`} className="fr-link fr-text--sm" title={`Livraisons de ${w.url}`}>
                    Livraisons
                  </Link>
                  {gestionnaire && (
                    <Button size="small" priority="tertiary" iconId="fr-icon-delete-line" onClick={() => setASupprimer(w)}
                      title={`Supprimer le webhook ${w.url}`}>
                      Supprimer
                    </Button>
                  )}
                </span>,
              ])}
            />
          )}
        </>
      )}

      <section className="fr-mt-6w" aria-labelledby="titre-nouveau-webhook">
        <h2 id="titre-nouveau-webhook" className="fr-h4">
          Nouveau webhook
        </h2>
        {!gestionnaire ? (
          <p>Seul un responsable de votre organisation déclare ou supprime un webhook.</p>
        ) : (
          <>
            {echec && <ResumeErreurs titre="Opération impossible" message={echec.message} orphelines={echec.orphelines} />}
            <form onSubmit={creer} noValidate>
              <div className="fr-grid-row fr-grid-row--gutters">
                <ChampTexte className="fr-col-12" cle="url" label="Adresse (URL) qui reçoit les messages" type="url"
                  hint="https:// obligatoire en production ; par exemple https://si.bailleur.fr/ancrage/webhook" erreurs={erreurs}
                  valeur={url} onChange={setUrl} autoComplete="off" />
                <ChampTexte className="fr-col-12 fr-col-md-10" cle="secret" label="Secret de signature"
                  hint="Tiré au hasard ; vous pouvez coller le vôtre (24 caractères au moins). Il ne sera affiché qu'une fois après la création."
                  erreurs={erreurs} valeur={secret} onChange={setSecret} autoComplete="off" spellCheck={false} />
                <div className="fr-col-12 fr-col-md-2" style={{ alignSelf: "center" }}>
                  <Button type="button" priority="tertiary" size="small" iconId="fr-icon-refresh-line" onClick={() => setSecret(genererSecret())}>
                    Nouveau tirage
                  </Button>
                </div>
              </div>
              <Button type="submit" disabled={envoi}>
                Créer le webhook
              </Button>
            </form>
          </>
        )}
      </section>
    </>
  );
}
