# One image for web, worker and beat; the command chooses the role (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY programmes programmes
COPY companies companies
COPY matching matching
COPY web web
RUN pip install .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --home /app kakehashi && chown -R kakehashi /app/var
USER kakehashi
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
