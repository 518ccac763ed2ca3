import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { PasswordInput } from "@codegouvfr/react-dsfr/blocks/PasswordInput";
import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";

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
