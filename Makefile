# Convenience targets; the README's two commands need nothing but Python and pip.
PY := .venv/bin/python

.venv:
	python3 -m venv .venv && $(PY) -m pip install -q -e ".[test]"

report: .venv
	$(PY) -m analysis report

test: .venv
	$(PY) -m pytest

lab: .venv
	$(PY) -m jupyter lab notebooks/

notebooks: .venv
	$(PY) -m jupyter nbconvert --to html --execute --output-dir figures/notebooks notebooks/*.ipynb

.PHONY: report test lab notebooks
