import { useEffect } from "react";

/** The page's h1, also the document title (read first by screen readers on navigation). */
export function Titre({ children, sousTitre }: { children: string; sousTitre?: string }) {
  useEffect(() => {
    document.title = `${children} — Ancrage`;
  }, [children]);
  return (
    <>
      <h1 className={sousTitre ? "fr-mb-1w" : undefined}>{children}</h1>
      {sousTitre && <p className="fr-text--lead">{sousTitre}</p>}
    </>
  );
}
