import { startReactDsfr } from "@codegouvfr/react-dsfr/spa";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Link, RouterProvider } from "react-router";

import { cache } from "./api/requetes";
import { AuthProvider } from "./auth/AuthContext";
import { router } from "./routes";
import "./styles.css";

startReactDsfr({ defaultColorScheme: "system", Link });

// DSFR components take `linkProps` and render them with react-router's Link.
declare module "@codegouvfr/react-dsfr/spa" {
  interface RegisterLink {
    Link: typeof Link;
  }
}

const racine = document.getElementById("root");
if (!racine) throw new Error("#root absent de index.html");

createRoot(racine).render(
  <StrictMode>
    <QueryClientProvider client={cache}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
