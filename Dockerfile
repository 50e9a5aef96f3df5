# One image for web, worker and beat: they must run the same code.
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    PIP_NO_CACHE_DIR=1 VAR_DIR=/data
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr libmagic1 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY requirements ./requirements
# The CPU build of torch: PyPI's default Linux wheel carries CUDA, gigabytes the image never uses.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
    && pip install -c requirements/constraints.txt .
COPY . .
# The staticfiles storage is the same in every mode, so this writes the manifest that production
# reads (`manage.py check --deploy` fails when it is missing or stale).
RUN python manage.py collectstatic --noinput
# The compose file mounts named volumes at /data/media and /data/reference: a new named volume
# takes the owner of the image's folder at its mount point, so the folders exist here, owned by
# the user that writes to them.
RUN useradd --create-home rolematch && mkdir -p /data/media /data/reference \
    && chown -R rolematch /data
USER rolematch
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
