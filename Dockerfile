FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY backend backend
COPY governance governance
COPY pioneers pioneers
COPY projects projects
COPY marketplace marketplace
COPY manage.py ./
RUN pip install . && useradd --create-home terreau && mkdir -p var/media var/static \
    && DJANGO_ENV=development python manage.py collectstatic --noinput \
    && chown -R terreau var

USER terreau
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
