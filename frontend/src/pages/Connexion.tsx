import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { PasswordInput } from "@codegouvfr/react-dsfr/blocks/PasswordInput";
import { ProConnectButton } from "@codegouvfr/react-dsfr/ProConnectButton";
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";

import { api } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { EnTete, PiedDePage } from "../layout/Cadre";
import { Titre } from "../components/Titre";

interface EtatNavigation {
  retour?: string;
  expiree?: boolean;
}

export function Connexion() {
  const { etat, connecter } = useAuth();
  const location = useLocation();
  const navigation = (location.state ?? {}) as EtatNavigation;
  const [courriel, setCourriel] = useState("");
  const [motDePasse, setMotDePasse] = useState("");
  const [erreur, setErreur] = useState<string | null>(null);
  const [envoi, setEnvoi] = useState(false);
  // The ProConnect button only where the platform has it configured (api/auth/router_proconnect.py).
  const [proconnect, setProconnect] = useState(false);
  useEffect(() => {
    api
      .GET("/api/v1/auth/proconnect/etat")
      .then(({ data }) => setProconnect(Boolean(data?.actif)))
      .catch(() => setProconnect(false));
  }, []);

  if (etat.statut === "connecte") {
    const retour = navigation.retour && navigation.retour !== "/connexion" ? navigation.retour : "/";
    return <Navigate to={retour} replace />;
  }

  const soumettre = async (e: FormEvent) => {
    e.preventDefault();
    setEnvoi(true);
    setErreur(await connecter(courriel.trim(), motDePasse));
    setEnvoi(false);
  };

  const expiree = navigation.expiree || (etat.statut === "anonyme" && etat.expiree);

  return (
    <>
    <EnTete />
    <main id="contenu" className="fr-container fr-py-8w">
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <p className="fr-text--sm fr-mb-1w">Ancrage — accompagnement social lié au logement</p>
          <Titre>Connexion</Titre>
          {expiree && !erreur && (
            <Alert
              severity="info"
              small
              description="Votre session a expiré : reconnectez-vous pour continuer."
              className="fr-mb-3w"
            />
          )}
          {erreur && (
            <div>
              <Alert severity="error" title="Connexion refusée" description={erreur} className="fr-mb-3w" />
            </div>
          )}
          {proconnect && (
            <div className="fr-mb-4w">
              <h2 className="fr-h5">Se connecter avec ProConnect</h2>
              <p className="fr-text--sm">
                Agents publics et professionnels : votre compte Ancrage doit exister avec la même adresse de courriel.
              </p>
              <ProConnectButton url="/api/v1/auth/proconnect/connexion" />
              <p className="fr-hr-or fr-mt-3w">ou</p>
            </div>
          )}
          <form onSubmit={soumettre} noValidate>
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend">Se connecter avec son compte Ancrage</legend>
              <div className="fr-fieldset__element">
                <Input
                  label="Courriel"
                  hintText="Format attendu : nom@domaine.fr"
                  nativeInputProps={{
                    type: "email",
                    name: "courriel",
                    autoComplete: "username",
                    required: true,
                    value: courriel,
                    onChange: (e) => setCourriel(e.target.value),
                  }}
                />
              </div>
              <div className="fr-fieldset__element">
                <PasswordInput
                  label="Mot de passe"
                  messagesHint=""
                  nativeInputProps={{
                    name: "mot_de_passe",
                    autoComplete: "current-password",
                    required: true,
                    value: motDePasse,
                    onChange: (e) => setMotDePasse(e.target.value),
                  }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Button type="submit" disabled={envoi || etat.statut === "chargement" || !courriel || !motDePasse}>
                  {envoi ? "Connexion…" : "Se connecter"}
                </Button>
              </div>
            </fieldset>
          </form>
          <p className="fr-text--sm fr-mt-3w">
            Mot de passe oublié ou compte bloqué ? Adressez-vous au responsable de votre organisation.
          </p>
        </div>
      </div>
    </main>
    <PiedDePage />
    </>
  );
}
