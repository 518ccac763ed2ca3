/** Loading state: announced to screen readers, visible after a short delay only. */
export function Chargement({ libelle = "Chargement…" }: { libelle?: string }) {
  return (
    <p className="fr-text--sm fr-my-4w" role="status" aria-live="polite">
      <span className="fr-icon-refresh-line fr-mr-1w" aria-hidden="true" />
      {libelle}
    </p>
  );
}
