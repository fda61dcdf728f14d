FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
 && DEBUG=1 python manage.py fetch_assets --no-cache \
 && SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 DEBUG=0 \
    python manage.py collectstatic --noinput
RUN useradd --create-home haidian && mkdir -p /app/media && chown haidian /app/media
USER haidian
EXPOSE 8000
CMD ["gunicorn", "haidian.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
