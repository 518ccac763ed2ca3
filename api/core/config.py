"""Settings: one pydantic-settings class, read from ``ANCRAGE_*`` variables.

The app is built from a ``Settings`` instance (``create_app(settings)``) so tests
and commands can pass their own.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"

# Secrets that show up in tutorials: refused in production even if long enough.
_WEAK_SECRETS = {"changeme", "secret", "please-change-me", "ancrage"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANCRAGE_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'ancrage.db'}",
        description="SQLAlchemy URL; SQLite file under var/ by default, PostgreSQL in production.",
    )
    # A streaming replica of that PostgreSQL server for the heavy reads (indicators,
    # minutes, a household's export); unset, they read the primary like everything else.
    database_replica_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of a PostgreSQL read replica for indicators, minutes and exports.",
    )
    secret_key: SecretStr | None = None
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    jwt_audience: str = "ancrage-api"
    jwt_issuer: str = "ancrage"
    cors_origins: list[str] = Field(default_factory=list)
    # The address users type (https://ancrage.example.fr): its origin is accepted on the
    # cookie-authenticated routes even when a proxy rewrites the Host header.
    public_url: AnyHttpUrl | None = None
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR).
    # Empty: none, the peer's address is the client's (a rotated header escapes nothing).
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    log_level: str = "INFO"
    # Where `python -m api serve` listens. Loopback by default, in production too: a
    # server behind a proxy on the same host needs nothing else; a container or a
    # separate proxy names its interface (the image sets 0.0.0.0).
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes (uvicorn workers); `serve --workers` overrides it.
    workers: int = Field(default=1, ge=1, le=64)
    # An idle keep-alive connection is kept this long: more than a person's think time
    # between two clicks (uvicorn closes after 5 s by default, and each click then paid
    # a new TCP, often TLS, connection through the proxy).
    keep_alive_secondes: int = Field(default=75, ge=1, le=3600)
    # Cookies carrying the refresh token are Secure outside development.
    cookie_secure: bool | None = None
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    # Redis shares rate-limit counters between workers; memory is enough for one worker.
    redis_url: str | None = None
    frontend_dist: Path = PROJECT_ROOT / "frontend" / "dist"
    # Statistical secrecy for funders (docs/indicateurs.md): counts below it are masked.
    secret_statistique_seuil: int = Field(default=5, ge=0)
    # How old an indicator document may be when served again to the same caller (seconds;
    # 0: computed at every request). The answer carries its age (Age, Last-Modified).
    # Ten minutes: a funder's figures over a year move by a few mesures in that time, and
    # each recomputation is 0.5–1 s of PostgreSQL on two connections; at 2 minutes the
    # département bench recomputed 5–6 documents a minute (16 in a 3-minute pass) and the funders waited 0.6–5 s
    # at each expiry (docs/performance.md, 03/12 nuit).
    indicateurs_cache_secondes: int = Field(default=600, ge=0, le=3600)
    # Start each worker's report workshop (api/rapports/atelier.py) with the worker rather
    # than at the first report opened: the first PDF of a worker is then as fast as the
    # others, for ≈ 190 MB per worker that nothing uses until someone renders a report.
    rapports_atelier_au_demarrage: bool = False
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # Caseload import (api/imports/): the upload's size (all its files together) and its lines.
    import_max_octets: int = Field(default=20_000_000, ge=1024)
    import_max_lignes: int = Field(default=20_000, ge=1)
    # Above this many lines, an upload (dry run or import) is a background task of the worker
    # (python -m api notifications): 202 and the task's address, its progress polled. About
    # 1,6 s of work at 2 000 lines (docs/performance.md): below, the answer comes at once.
    import_lignes_synchrones: int = Field(default=2_000, ge=1)
    # Database connections per process. A request that finds none free (or, on SQLite, finds
    # the write lock taken) waits at most db_pool_timeout seconds, then gets a 503 with
    # Retry-After: a client told to come back soon is better served than one held 30 s
    # before a 500. Every connection is permanent by default (no overflow): under load an
    # overflow connection is opened and closed for each request, a PostgreSQL backend
    # started and its caches warmed each time (capacity bench, 300 users: 54.7 → 71.2
    # req/s with 20 permanent connections instead of 10 + 10, docs/performance.md).
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=0, ge=0, le=200)
    db_pool_timeout: float = Field(default=5.0, gt=0, le=60)
    # The Retry-After (seconds) of a 503 for an overloaded or unavailable database.
    retry_after_secondes: int = Field(default=2, ge=1, le=300)
    login_max_echecs: int = 10
    login_fenetre_minutes: int = 15
    # A mandated mesure without any held rendez-vous after this many days is an alert.
    alerte_premier_rdv_jours: int = Field(default=15, ge=1, le=365)
    # Requests a machine client (a bailleur's system) may make per minute, all routes together.
    client_requetes_par_minute: int = Field(default=120, ge=1)
    # Retention (CNIL 2021-028 and 2021-122): files anonymised 2 years after the last
    # contact, access-log entries purged after 12 months.
    retention_menage_annees: int = Field(default=2, ge=1)
    retention_journal_mois: int = Field(default=12, ge=6, le=12)
    # Webhooks reach public Internet addresses only; an on-premise receiver's private range
    # is allowed here by name, as a JSON list of CIDR (e.g. ["10.20.0.0/16"]). Empty: none.
    webhooks_reseaux_autorises: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    # ProConnect (OpenID Connect of the State, docs/import-proconnect.md). Off unless enabled;
    # production refuses to start with it enabled and incomplete.
    proconnect_actif: bool = False
    proconnect_issuer: str | None = Field(default=None, max_length=300, description="URL de l'émetteur (issuer)")
    proconnect_client_id: str | None = Field(default=None, max_length=200)
    proconnect_client_secret: SecretStr | None = None
    proconnect_scopes: str = "openid email given_name usual_name"
    # acr values asked for and accepted (ProConnect: eidas1); empty: none asked, any accepted.
    proconnect_acr: list[str] = Field(default_factory=list)
    # The callback and the after-logout pages as the provider knows them; by default built
    # from the request's address (…/api/v1/auth/proconnect/retour, /connexion).
    proconnect_url_retour: str | None = None
    proconnect_url_apres_deconnexion: str | None = None
    proconnect_delai_secondes: float = Field(default=10.0, gt=0, le=60)

    # Documents (docs/documents-notifications.md). Above this size an upload is a 413.
    documents_taille_max: int = Field(default=15 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024)
    # Where the files are: a directory (named by random ids) or S3-compatible object storage.
    documents_stockage: Literal["repertoire", "s3"] = "repertoire"
    documents_repertoire: Path = VAR_DIR / "documents"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # e.g. https://s3.fr-par.scw.cloud; empty: AWS
    s3_region: str | None = None
    s3_cle_acces: str | None = None
    s3_secret: SecretStr | None = None
    s3_prefixe: str = "documents/"
    # ClamAV's clamd: unix:///run/clamav/clamd.ctl (Debian's clamav-daemon) or tcp://hôte:3310.
    clamav_adresse: str = "unix:///var/run/clamav/clamd.ctl"
    clamav_delai_secondes: float = Field(default=30.0, gt=0, le=600)
    # An upload is refused (503) when the scanner cannot be reached; off only in development,
    # where an unscanned file is then stored and marked « non analysé ».
    antivirus_obligatoire: bool = True
    # E-mail of the notifications (docs/documents-notifications.md), sent by
    # `python -m api notifications`. No host: nothing is sent, the e-mails wait in their table.
    smtp_hote: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # « starttls » (port 587), « ssl » (implicit TLS, port 465) or « aucun » (a relay on localhost).
    smtp_tls: Literal["starttls", "ssl", "aucun"] = "starttls"
    smtp_utilisateur: str | None = None
    smtp_mot_de_passe: SecretStr | None = None
    smtp_expediteur: str = "Ancrage <ne-pas-repondre@ancrage.invalid>"
    smtp_delai_secondes: float = Field(default=20.0, gt=0, le=300)
    # The hour (Paris) from which the daily and weekly digests go out.
    notifications_heure_resume: int = Field(default=7, ge=0, le=23)
    # Rendez-vous reminders to households who consented (docs/rappels.md), sent by the
    # same worker. The « veille » reminder goes this many hours before the rendez-vous.
    rappels_delai_heures: int = Field(default=24, ge=1, le=168)
    # SMS: « aucun » (SMS reminders wait, nothing is sent), « fichier » (written to a file:
    # development and tests) or « http » (a provider's HTTP API, Brevo's by default).
    sms_fournisseur: Literal["aucun", "fichier", "http"] = "aucun"
    sms_fichier: Path = VAR_DIR / "sms.jsonl"
    sms_http_url: str = "https://api.brevo.com/v3/transactionalSMS/sms"
    sms_http_cle: SecretStr | None = None
    # The sender shown on the phone (11 letters or digits at most for an alphanumeric sender).
    sms_expediteur: str = Field(default="RDV", min_length=1, max_length=11, pattern=r"^[A-Za-z0-9]+$")
    sms_delai_secondes: float = Field(default=10.0, gt=0, le=60)

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if self.env == "production":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key.encode()) < 32 or key.lower() in _WEAK_SECRETS:
                raise ValueError(
                    "ANCRAGE_SECRET_KEY est obligatoire en production et doit contenir au moins "
                    "32 octets aléatoires (par exemple : python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')"
                )
        return self

    @model_validator(mode="after")
    def _check_proconnect(self) -> Settings:
        if self.env == "production" and self.proconnect_actif:
            manquants = [
                nom
                for nom, valeur in (
                    ("ANCRAGE_PROCONNECT_ISSUER", self.proconnect_issuer),
                    ("ANCRAGE_PROCONNECT_CLIENT_ID", self.proconnect_client_id),
                    ("ANCRAGE_PROCONNECT_CLIENT_SECRET", self.proconnect_client_secret),
                    ("ANCRAGE_PROCONNECT_URL_RETOUR", self.proconnect_url_retour),
                )
                if not valeur
            ]
            if self.proconnect_issuer and not self.proconnect_issuer.startswith("https://"):
                manquants.append("ANCRAGE_PROCONNECT_ISSUER en https://")
            if manquants:
                raise ValueError(
                    "ProConnect est activé (ANCRAGE_PROCONNECT_ACTIF) mais incomplet : "
                    + ", ".join(manquants)
                    + " ; voir docs/import-proconnect.md"
                )
        return self

    @model_validator(mode="after")
    def _check_sms(self) -> Settings:
        # Households' phone numbers in a plain file: for development and tests only.
        if self.env == "production" and self.sms_fournisseur == "fichier":
            raise ValueError("ANCRAGE_SMS_FOURNISSEUR=fichier n'est pas permis en production (aucun ou http)")
        if self.sms_fournisseur == "http" and (self.sms_http_cle is None or not self.sms_http_url.startswith("https://")):
            raise ValueError("ANCRAGE_SMS_FOURNISSEUR=http demande ANCRAGE_SMS_HTTP_CLE et une ANCRAGE_SMS_HTTP_URL en https://")
        return self

    @model_validator(mode="after")
    def _check_replica(self) -> Settings:
        replica = self.database_replica_url
        if replica is not None and (not replica.startswith("postgresql") or self.is_sqlite):
            raise ValueError(
                "ANCRAGE_DATABASE_REPLICA_URL désigne un réplica PostgreSQL de la base "
                "ANCRAGE_DATABASE_URL, elle-même PostgreSQL (postgresql://…)"
            )
        return self

    @model_validator(mode="after")
    def _check_documents(self) -> Settings:
        if self.env == "production" and not self.antivirus_obligatoire:
            raise ValueError("ANCRAGE_ANTIVIRUS_OBLIGATOIRE ne se désactive pas en production")
        if self.documents_stockage == "s3" and not self.s3_bucket:
            raise ValueError("ANCRAGE_DOCUMENTS_STOCKAGE=s3 demande ANCRAGE_S3_BUCKET")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else self.env == "production"

    @property
    def public_origin(self) -> str | None:
        """``scheme://host[:port]`` of ``public_url``, as a browser writes it in ``Origin``."""
        if self.public_url is None:
            return None
        url = self.public_url
        default = {"http": 80, "https": 443}.get(url.scheme)
        port = f":{url.port}" if url.port and url.port != default else ""
        return f"{url.scheme}://{url.host}{port}"

    def signing_key(self) -> str:
        """The JWT key: the configured one, or in development a key kept under var/."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self.env == "production":  # pragma: no cover - refused by the validator
            raise RuntimeError("secret key missing")
        path = VAR_DIR / "secret_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
