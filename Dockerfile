# Regularization Landscapes: one container, one Streamlit server on port 8501.
#   make docker && docker run --rm -p 8501:8501 regularization-landscapes
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 JAX_PLATFORMS=cpu

RUN useradd --create-home --uid 10001 app
WORKDIR /home/app/regularization-landscapes

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=app:app . .
USER app

# Compile what the pages use into the project's .jax_cache/ now, not on the first click.
RUN python -m core.runtime

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; \
sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.headless=true", "--server.fileWatcherType=none", \
     "--browser.gatherUsageStats=false"]
