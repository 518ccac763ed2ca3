import { useEffect, useRef } from "react";

// The first title of the session is where the page starts anyway; after that, each new
// page's title takes the focus, so that a screen reader announces where the link led and
// the keyboard starts from the content, not from the menu just used.
let premierTitre = true;

/** The page's h1, also the document title, and the focus after a navigation. */
export function Titre({ children, sousTitre }: { children: string; sousTitre?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} — Ancrage`;
  }, [children]);
  useEffect(() => {
    if (premierTitre) premierTitre = false;
    else ref.current?.focus();
  }, []);
  return (
    <>
      <h1 ref={ref} tabIndex={-1} className={sousTitre ? "fr-mb-1w ancrage-titre" : "ancrage-titre"}>
        {children}
      </h1>
      {sousTitre && <p className="fr-text--lead">{sousTitre}</p>}
    </>
  );
}
