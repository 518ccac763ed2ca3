/**
 * The one form helper. Every screen that reads, changes or creates something goes
 * through it rather than repeating the same forty lines:
 *
 * - `useRessource(path, init)`: a read with the ETag of the version read (a query);
 * - `useEnvoi(options)`: a send, whose refusal becomes French messages next to
 *   their fields (problem+json `errors[]`) and a sentence above the form, and
 *   whose 412 says "changed meanwhile" (`perime`);
 * - `useEdition(...)`: both, for an edit screen: the form's values start from the
 *   version read, the save carries `If-Match` with that version's ETag, and a
 *   success makes the answer (and its new ETag) the version read.
 *
 * The decisions themselves (`issueEnvoi`, `enregistrerVersion`) are plain
 * functions, tested without a browser (formulaire.test.ts).
 */
import { type QueryClient, type QueryKey, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ClientPathsWithMethod, FetchResponse, MaybeOptionalInit } from "openapi-fetch";
import { useCallback, useState } from "react";

import { api } from "./client";
import { echecFormulaire, type ErreursChamps, erreursParChamp, isProblem, messageErreur, type ProblemDetails } from "./problem";
import type { paths } from "./schema";

/** What an openapi-fetch call resolves to (data on success, the problem otherwise). */
export interface Reponse<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface Echec {
  /** The sentence above the form. */
  message: string;
  /** Field errors the screen has no field for (listed under the sentence). */
  orphelines: ErreursChamps;
  /** The API's problem, for a screen that offers a way out (a duplicate to open instead). */
  probleme?: ProblemDetails;
}

export type Issue<T> =
  | { type: "succes"; donnees: T; etag: string | null }
  /** 412: someone saved it meanwhile; the API's sentence. */
  | { type: "perime"; message: string }
  | { type: "refus"; statut: number | null; erreurs: ErreursChamps; echec: Echec };

export interface OptionsEnvoi {
  /** The keys of the fields the screen shows (errors on other keys are listed above the form). */
  clesAffichees?: Iterable<string>;
  /** Renames or regroups the API's keys into the form's (e.g. debut → jour and heure). */
  adapterErreurs?: (erreurs: ErreursChamps, probleme: ProblemDetails | undefined) => ErreursChamps;
  /** A screen's own sentence for some refusals (undefined: the usual one). */
  messageRefus?: (r: { probleme: ProblemDetails | undefined; statut: number; erreurs: ErreursChamps; orphelines: ErreursChamps }) => string | undefined;
}

/** What a send's answer means for the form. A network failure is a refusal without field. */
export function issueEnvoi<T>(reponse: Reponse<T> | { exception: unknown }, options: OptionsEnvoi = {}): Issue<T> {
  if ("exception" in reponse) {
    return { type: "refus", statut: null, erreurs: {}, echec: { message: messageErreur(reponse.exception), orphelines: {} } };
  }
  const { data, error, response } = reponse;
  // 204 has no body: success all the same.
  if (response.ok) return { type: "succes", donnees: data as T, etag: response.headers.get("ETag") };
  const probleme = isProblem(error) ? error : undefined;
  if (response.status === 412) return { type: "perime", message: messageErreur(probleme, 412) };
  const brutes = erreursParChamp(probleme);
  const erreurs = options.adapterErreurs ? options.adapterErreurs(brutes, probleme) : brutes;
  const echec: Echec = { ...echecFormulaire(erreurs, options.clesAffichees ?? [], probleme, response.status), probleme };
  const propre = options.messageRefus?.({ probleme, statut: response.status, erreurs, orphelines: echec.orphelines });
  return { type: "refus", statut: response.status, erreurs, echec: propre === undefined ? echec : { ...echec, message: propre } };
}

async function tenter<T>(appel: () => Promise<Reponse<T>>, options: OptionsEnvoi): Promise<Issue<T>> {
  try {
    return issueEnvoi(await appel(), options);
  } catch (exception) {
    return issueEnvoi<T>({ exception }, options);
  }
}

// ---------------------------------------------------------------- reads

type CheminGet = ClientPathsWithMethod<typeof api, "get">;
type InitGet<P extends CheminGet> = MaybeOptionalInit<paths[P], "get">;
/** The body a GET of that path answers with. */
export type DonneesGet<P extends CheminGet, I = InitGet<P>> = NonNullable<FetchResponse<paths[P]["get"], I, `${string}/${string}`>["data"]>;

/** A version read: the resource and its ETag, to send back in If-Match. */
export interface Version<T> {
  donnees: T;
  etag: string | null;
}

/** A read that failed, with the status for screens that word a 404 their own way. */
export class ErreurLecture extends Error {
  constructor(
    message: string,
    readonly statut: number | null,
  ) {
    super(message);
  }
}

/** The key of a read with its ETag (distinct from `$api.useQuery`'s, whose data is the bare body). */
export function cleRessource(chemin: string, init: unknown): QueryKey {
  return ["ressource", chemin, init ?? {}];
}

async function lireVersion<T>(chemin: string, init: unknown): Promise<Version<T>> {
  let reponse: Reponse<T>;
  try {
    reponse = (await api.GET(chemin as never, init as never)) as Reponse<T>;
  } catch (e) {
    throw new ErreurLecture(messageErreur(e), null);
  }
  const { data, error, response } = reponse;
  if (!response.ok || data === undefined) throw new ErreurLecture(messageErreur(error, response.status), response.status);
  return { donnees: data, etag: response.headers.get("ETag") };
}

export interface EtatRessource<T> {
  donnees: T | undefined;
  etag: string | null;
  erreur: string | null;
  statut: number | null;
  chargement: boolean;
  /** Read again (after a 412, or to start over). */
  recharger: () => void;
  /** After a change: the API's answer becomes the version read, with its new ETag. */
  remplacer: (donnees: T, etag: string | null) => void;
}

/** GET `chemin` and keep the ETag of the version read. */
export function useRessource<P extends CheminGet, I extends InitGet<P>>(chemin: P, init: I): EtatRessource<DonneesGet<P, I>> {
  type T = DonneesGet<P, I>;
  const client = useQueryClient();
  const cle = cleRessource(chemin, init);
  const q = useQuery<Version<T>, ErreurLecture>({ queryKey: cle, queryFn: () => lireVersion<T>(chemin, init) });
  const { refetch } = q;
  const recharger = useCallback(() => void refetch(), [refetch]);
  const cleTexte = JSON.stringify(cle);
  const remplacer = useCallback(
    (donnees: T, etag: string | null) => client.setQueryData<Version<T>>(JSON.parse(cleTexte) as QueryKey, { donnees, etag }),
    [client, cleTexte],
  );
  return {
    donnees: q.data?.donnees,
    etag: q.data?.etag ?? null,
    erreur: q.error ? q.error.message : null,
    statut: q.error ? q.error.statut : q.data ? 200 : null,
    chargement: q.isFetching,
    recharger,
    remplacer,
  };
}

// ---------------------------------------------------------------- sends

export interface EtatEnvoi {
  envoi: boolean;
  /** Which send is running, by the name the screen gave it (a form with two buttons: "Envoi…" on the one pressed). */
  enCours: string | null;
  /** The API's message for each field, by the form's key. */
  erreurs: ErreursChamps;
  /** The refusal shown above the form, or null. */
  echec: Echec | null;
  /** After a 412: the API's sentence (the screen offers to reload). */
  perime: string | null;
}

export interface OptionsUseEnvoi extends OptionsEnvoi {
  /** What the screen does on a 412 besides showing `perime` (close the form, reload the resource). */
  surPerime?: () => void;
  /** What the screen does with a refusal besides showing `echec` (pass it to the page). */
  surRefus?: (echec: Echec) => void;
}

/** A send's own options; `nom` names it while it runs (`enCours`). */
export interface OptionsCetEnvoi extends OptionsEnvoi {
  nom?: string;
}

export interface Envoi extends EtatEnvoi {
  /** Sends; the answer's body and ETag on success, undefined otherwise (the state says why). */
  envoyer: <T>(appel: () => Promise<Reponse<T>>, pourCetEnvoi?: OptionsCetEnvoi) => Promise<Version<T> | undefined>;
  /** Refuses without sending (the screen checked something the API cannot: nothing chosen yet), shown like the API's refusal. */
  refuser: (erreurs: ErreursChamps, message: string) => void;
  /** Runs a send whose issue is already decided (useEdition), and shows it the same way. */
  executer: <T>(tache: () => Promise<Issue<T>>) => Promise<Issue<T>>;
  /** Forgets the last refusal (the form is opened again, the resource reloaded). */
  effacer: () => void;
}

type EtatIssue = Omit<EtatEnvoi, "envoi" | "enCours">;
const SANS_ERREUR: EtatIssue = { erreurs: {}, echec: null, perime: null };

/** A refusal decided by the screen before sending: its fields' messages, the sentence above the form. */
export function refusLocal(erreurs: ErreursChamps, message: string): Issue<never> {
  return { type: "refus", statut: null, erreurs, echec: { message, orphelines: {} } };
}

/** What the form shows after an issue (a success forgets the last refusal). */
export function etatApres(issue: Issue<unknown>): EtatIssue {
  if (issue.type === "succes") return SANS_ERREUR;
  if (issue.type === "perime") return { erreurs: {}, echec: null, perime: issue.message };
  return { erreurs: issue.erreurs, echec: issue.echec, perime: null };
}

/** The name of the send running, if it has one. */
export function envoiEnCours(enAttente: boolean, variables: { nom?: string } | undefined): string | null {
  return enAttente ? (variables?.nom ?? null) : null;
}

interface Tache {
  tache: () => Promise<Issue<unknown>>;
  nom?: string;
}

/** One send at a time, its refusal turned into what the form shows. */
export function useEnvoi(options: OptionsUseEnvoi = {}): Envoi {
  const [etat, setEtat] = useState<EtatIssue>(SANS_ERREUR);
  const mutation = useMutation({ mutationFn: ({ tache }: Tache) => tache() });
  const { surPerime, surRefus } = options;
  const { mutateAsync } = mutation;
  const montrer = useCallback(
    (issue: Issue<unknown>) => {
      setEtat(etatApres(issue));
      if (issue.type === "perime") surPerime?.();
      else if (issue.type === "refus") surRefus?.(issue.echec);
    },
    [surPerime, surRefus],
  );
  const executerNomme = useCallback(
    async <T>(tache: () => Promise<Issue<T>>, nom?: string): Promise<Issue<T>> => {
      const issue = (await mutateAsync({ tache, nom })) as Issue<T>;
      montrer(issue);
      return issue;
    },
    [mutateAsync, montrer],
  );
  const executer = useCallback(<T>(tache: () => Promise<Issue<T>>) => executerNomme(tache), [executerNomme]);
  const envoyer = async <T,>(appel: () => Promise<Reponse<T>>, pourCetEnvoi: OptionsCetEnvoi = {}): Promise<Version<T> | undefined> => {
    const { nom, ...optionsEnvoi } = pourCetEnvoi;
    const issue = await executerNomme(() => tenter(appel, { ...options, ...optionsEnvoi }), nom);
    return issue.type === "succes" ? { donnees: issue.donnees, etag: issue.etag } : undefined;
  };
  const refuser = useCallback((erreurs: ErreursChamps, message: string) => montrer(refusLocal(erreurs, message)), [montrer]);
  const effacer = useCallback(() => setEtat(SANS_ERREUR), []);
  return { ...etat, envoi: mutation.isPending, enCours: envoiEnCours(mutation.isPending, mutation.variables), envoyer, executer, refuser, effacer };
}

// ---------------------------------------------------------------- edits

/**
 * Saves `valeurs` over the version `base` (If-Match: its ETag). On success the answer
 * is the new version read (in the cache under `cle`, and returned as the new base);
 * on 412 or a refusal, the base is unchanged.
 */
export async function enregistrerVersion<T, V>(args: {
  base: Version<T>;
  valeurs: V;
  envoyer: (valeurs: V, entetes: { "If-Match": string }, ressource: T) => Promise<Reponse<T>>;
  options?: OptionsEnvoi;
  client: QueryClient;
  cle: QueryKey;
}): Promise<{ issue: Issue<T>; base: Version<T> }> {
  const { base, valeurs, envoyer, options = {}, client, cle } = args;
  const issue = await tenter(() => envoyer(valeurs, { "If-Match": base.etag ?? "" }, base.donnees), options);
  if (issue.type !== "succes" || issue.donnees === undefined) return { issue, base };
  const suite = { donnees: issue.donnees, etag: issue.etag };
  client.setQueryData<Version<T>>(cle, suite);
  return { issue, base: suite };
}

export interface OptionsEdition<P extends CheminGet, I extends InitGet<P>, V> extends Omit<OptionsEnvoi, "clesAffichees"> {
  chemin: P;
  init: I;
  /** The form's values from the version read. */
  versFormulaire: (ressource: DonneesGet<P, I>) => V;
  /** The save (PATCH, POST…), with the If-Match header to pass in `params.header`. */
  envoyer: (valeurs: V, entetes: { "If-Match": string }, ressource: DonneesGet<P, I>) => Promise<Reponse<DonneesGet<P, I>>>;
  clesAffichees: Iterable<string> | ((valeurs: V) => Iterable<string>);
}

export interface Edition<T, V> extends EtatEnvoi {
  /** The version the form started from (its ETag goes in If-Match). */
  ressource: T | undefined;
  valeurs: V | null;
  setValeurs: (f: (v: V) => V) => void;
  erreurLecture: string | null;
  statutLecture: number | null;
  /** Saves; the saved version on success, undefined otherwise (the state says why). */
  enregistrer: () => Promise<T | undefined>;
  /** Reads the last version again and starts the form over from it. */
  recharger: () => void;
}

/** An edit screen's whole data: read with ETag, values, save under If-Match, 412, field errors. */
export function useEdition<P extends CheminGet, I extends InitGet<P>, V>(o: OptionsEdition<P, I, V>): Edition<DonneesGet<P, I>, V> {
  type T = DonneesGet<P, I>;
  const client = useQueryClient();
  const cle = cleRessource(o.chemin, o.init);
  // Always read afresh on opening: an edit starts from the last version, not the cache's.
  const q = useQuery<Version<T>, ErreurLecture>({
    queryKey: cle,
    queryFn: () => lireVersion<T>(o.chemin, o.init),
    refetchOnMount: "always",
  });
  const [edition, setEdition] = useState<{ base: Version<T>; valeurs: V; cle: string } | null>(null);
  const envoi = useEnvoi();
  const cleTexte = JSON.stringify(cle);

  // Set by `recharger`: the form waits for a read newer than the one it had.
  const [apres, setApres] = useState(-1);

  // The form starts (or starts over) from the version just read — during render, so the
  // first paint already shows it; a background refetch does not change the base.
  const donnees = q.data;
  const pret = donnees && q.isFetchedAfterMount && !q.isFetching && q.dataUpdatedAt > apres;
  if (pret && (edition === null || edition.cle !== cleTexte)) {
    setEdition({ base: donnees, valeurs: o.versFormulaire(donnees.donnees), cle: cleTexte });
  }

  const { refetch, dataUpdatedAt } = q;
  const { effacer } = envoi;
  const recharger = useCallback(() => {
    setEdition(null);
    setApres(dataUpdatedAt);
    effacer();
    void refetch();
  }, [refetch, effacer, dataUpdatedAt]);

  const enregistrer = async (): Promise<T | undefined> => {
    if (!edition) return undefined;
    const clesAffichees = typeof o.clesAffichees === "function" ? o.clesAffichees(edition.valeurs) : o.clesAffichees;
    let base = edition.base;
    const issue = await envoi.executer(async () => {
      const r = await enregistrerVersion({
        base,
        valeurs: edition.valeurs,
        envoyer: o.envoyer,
        options: { clesAffichees, adapterErreurs: o.adapterErreurs, messageRefus: o.messageRefus },
        client,
        cle,
      });
      base = r.base;
      return r.issue;
    });
    if (issue.type !== "succes") return undefined;
    setEdition({ base, valeurs: o.versFormulaire(base.donnees), cle: cleTexte });
    return base.donnees;
  };

  const etatEnvoi: EtatEnvoi = { erreurs: envoi.erreurs, echec: envoi.echec, perime: envoi.perime, envoi: envoi.envoi, enCours: envoi.enCours };
  return {
    ...etatEnvoi,
    ressource: edition?.base.donnees,
    valeurs: edition?.valeurs ?? null,
    setValeurs: (f) => setEdition((e) => (e ? { ...e, valeurs: f(e.valeurs) } : e)),
    erreurLecture: q.error ? q.error.message : null,
    statutLecture: q.error ? q.error.statut : null,
    enregistrer,
    recharger,
  };
}
