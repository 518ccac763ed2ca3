# Ancrage: the same steps as the Makefile (npm ci + build, pip install, python -m api serve).
# Stage 1: the single-page app.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY openapi/ openapi/
COPY frontend/ frontend/
RUN if [ -f frontend/package.json ]; then \
      cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
    else mkdir -p frontend/dist; fi

# Stage 2: the API, as a non-root user.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    ANCRAGE_ENV=production ANCRAGE_PORT=8000
# Pango and a font: WeasyPrint lays out the procès-verbal's PDF with them.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 ancrage
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api/ api/
COPY migrations/ migrations/
COPY openapi/ openapi/
RUN pip install --quiet . && mkdir -p var && chown ancrage var
COPY --from=frontend /src/frontend/dist frontend/dist
USER ancrage
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"
# Migrations, first admin (from ANCRAGE_ADMIN_EMAIL / ANCRAGE_ADMIN_PASSWORD), then uvicorn with several workers.
# ANCRAGE_DATABASE_URL (PostgreSQL) and ANCRAGE_SECRET_KEY are required in production.
# The container listens on all its interfaces (its network is the boundary); ANCRAGE_WORKERS sets the processes.
ENV ANCRAGE_HOST=0.0.0.0 ANCRAGE_WORKERS=4
CMD ["python", "-m", "api", "serve"]
