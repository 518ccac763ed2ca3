/** The waiting list of the session's dispositif, the longest waiting first, to put on the agenda. */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { keepPreviousData } from "@tanstack/react-query";
import { useState } from "react";

import { api } from "../../../api/client";
import { useEnvoi } from "../../../api/formulaire";
import { $api, echecLecture } from "../../../api/requetes";
import { Chargement } from "../../../components/Chargement";
import { ErreurChargement } from "../../../components/ErreurChargement";
import { formatDate } from "../../../lib/dates";
import { ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../../lib/libelles";
import { joursAttente } from "../attente";

const PAR_PAGE = 20;

export function AInscrire({ sessionId, dispositifId, onInscrit }: { sessionId: string; dispositifId: string; onInscrit: (message: string) => void }) {
  const [page, setPage] = useState(0);
  const [choisies, setChoisies] = useState<string[]>([]);
  const { envoyer, envoi, echec } = useEnvoi();
  const liste = $api.useQuery(
    "get",
    "/api/v1/commissions/attente",
    { params: { query: { dispositif_id: dispositifId, limit: PAR_PAGE, offset: page * PAR_PAGE } } },
    // The next page keeps the current one on screen until it is read.
    { placeholderData: keepPreviousData },
  );

  const inscrire = async () => {
    const fait = await envoyer(() =>
      api.POST("/api/v1/commissions/{session_id}/ordre-du-jour", { params: { path: { session_id: sessionId } }, body: { orientation_ids: choisies } }),
    );
    if (!fait) return;
    const n = choisies.length;
    setChoisies([]);
    void liste.refetch();
    onInscrit(`${n} orientation${n > 1 ? "s" : ""} inscrite${n > 1 ? "s" : ""} à l'ordre du jour.`);
  };

  const erreur = echecLecture(liste.error);
  if (liste.isPending) return <Chargement libelle="Chargement de la liste d'attente…" />;
  if (erreur) return <ErreurChargement message={erreur.message} />;
  const items = liste.data?.items ?? [];
  const total = liste.data?.total ?? 0;
  return (
    <>
      {echec && <Alert severity="error" title="Inscription impossible" description={echec.message} className="fr-mb-2w" />}
      {items.length === 0 ? (
        <p>Aucune orientation n'attend de séance sur ce dispositif.</p>
      ) : (
        <Checkbox
          legend={`${total} orientation${total > 1 ? "s" : ""} en attente d'une séance, la plus ancienne d'abord`}
          options={items.map((o) => ({
            label: `${o.reference} — ${STATUTS_ORIENTATION[o.statut]}, ${ORIGINES_ORIENTATION[o.origine]}, reçue le ${formatDate(o.date_reception)}`,
            hintText: joursAttente(o.jours_attente),
            nativeInputProps: {
              name: "a_inscrire",
              value: o.id,
              checked: choisies.includes(o.id),
              onChange: (e) => setChoisies((c) => (e.target.checked ? [...c, o.id] : c.filter((x) => x !== o.id))),
            },
          }))}
        />
      )}
      <div className="ancrage-pied-formulaire">
        {items.length > 0 && (
          <Button type="button" disabled={envoi || choisies.length === 0} onClick={() => void inscrire()} iconId="fr-icon-add-line">
            {envoi ? "Inscription…" : "Inscrire à l'ordre du jour"}
          </Button>
        )}
        {page > 0 && (
          <Button type="button" priority="tertiary" onClick={() => setPage((p) => p - 1)}>
            Page précédente
          </Button>
        )}
        {(page + 1) * PAR_PAGE < total && (
          <Button type="button" priority="tertiary" onClick={() => setPage((p) => p + 1)}>
            Page suivante
          </Button>
        )}
      </div>
    </>
  );
}
