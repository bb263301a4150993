# dossier: thin Makefile over the `dossier` CLI. See README.md.
PY       := .venv/bin/python
DOSSIER  := .venv/bin/dossier
SETUP    := .venv/.dossier-setup
BUILD    ?= build
SAMPLES  ?= samples/tam-duong

.PHONY: demo test setup clean

$(SETUP): pyproject.toml tools/setup.sh
	bash tools/setup.sh

setup: $(SETUP)

demo: $(SETUP)
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.pdf
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.pdf

test: $(SETUP)
	$(PY) -m pytest -q

clean:
	rm -rf $(BUILD)
