# dossier: a thin Makefile over the `dossier` CLI (see README.md).
#   make demo        set up, then build the sample letters and the whole sample district
#   make test        set up, then run the tests
#   make all         every commune (reports + dossiers), the district summary, villages, plans
#   make son-binh    one commune (any file name in $(DATA_DIR)/communes)
#   make preview     draft previews (watermarked "DỰ THẢO")
#   make bench       benchmarks (speed and memory, with ratios to baselines)
#   make clean       remove build/ (resident servers stay: they change no byte of any output)
#   make stop        stop the resident LibreOffice and Python servers now (else they stop when idle)
#   make -j2 all     in parallel; only what changed is rebuilt (dependency files in build/.stamps)
PY       := .venv/bin/python
DOSSIER  := .venv/bin/dossier
SETUP    := .venv/.dossier-setup
BUILD    ?= build
DATA_DIR ?= samples/tam-duong
SAMPLES  := samples/tam-duong
PLAN_SETTINGS ?= $(DATA_DIR)/plans/ke-hoach-2025.yaml
# LibreOffice, and a Python process with the pipeline imported, stay up this many idle
# seconds after a command, so the next one (make son-binh after an edit) skips their
# ~2 s start-ups; 0 turns them off. `dossier office status|stop` shows and stops them.
DOSSIER_OFFICE_IDLE ?= 600
export DOSSIER_OFFICE_IDLE

COMMUNE_FILES := $(wildcard $(DATA_DIR)/communes/*.yaml $(DATA_DIR)/communes/*.xlsx)
COMMUNES      := $(sort $(basename $(notdir $(COMMUNE_FILES))))
# the district's dossiers to the province: ho-so-huyen-*.yaml (they belong to no one commune)
DISTRICT_UNITS := $(patsubst ho-so-%,%,$(basename $(notdir $(wildcard $(DATA_DIR)/ho-so-huyen-*.yaml))))
STAMPS        := $(BUILD)/.stamps

.PHONY: all demo test setup clean stop preview bench communes district summary villages plans letters $(COMMUNES)

all: communes district summary villages plans

$(SETUP): pyproject.toml tools/setup.sh
	bash tools/setup.sh

setup: $(SETUP)

demo: letters all

test: $(SETUP)
	$(PY) -m pytest -q

# --- the sample letters (issue #2) -------------------------------------------------------
letters: $(SETUP)
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.pdf
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.pdf

# --- one target per commune: its report and dossiers, rebuilt when any input changes ------
communes: $(COMMUNES)

$(COMMUNES): %: $(STAMPS)/%

$(STAMPS)/%: $(DATA_DIR)/communes/%.yaml | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) --only $* -o $(BUILD) -j 1 --depfile $@.d --stamp $@

$(STAMPS)/%: $(DATA_DIR)/communes/%.xlsx | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) --only $* -o $(BUILD) -j 1 --depfile $@.d --stamp $@

district: $(addprefix $(STAMPS)/,$(DISTRICT_UNITS))

# after the communes (order only): a commune dossier it nests is then copied, not built twice
$(STAMPS)/huyen-%: $(DATA_DIR)/ho-so-huyen-%.yaml | $(SETUP) $(addprefix $(STAMPS)/,$(COMMUNES))
	$(DOSSIER) batch $(DATA_DIR) --only huyen-$* -o $(BUILD) -j 1 --depfile $@.d --stamp $@

-include $(wildcard $(STAMPS)/*.d)

# --- district-wide outputs ------------------------------------------------------------------
summary: $(BUILD)/tong-hop/tong-hop.pdf

$(BUILD)/tong-hop/tong-hop.pdf: $(COMMUNE_FILES) templates/bang-tong-hop.docx | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) -o $(BUILD) --summary-only

villages: $(BUILD)/ban-ntm/danh-sach-ban.xlsx

$(BUILD)/ban-ntm/danh-sach-ban.xlsx: $(COMMUNE_FILES) $(PLAN_SETTINGS) | $(SETUP)
	$(DOSSIER) villages $(DATA_DIR)/communes --settings $(PLAN_SETTINGS) -o $@

plans: $(BUILD)/ke-hoach-2025/tong-hop-ke-hoach.pdf

$(BUILD)/ke-hoach-2025/tong-hop-ke-hoach.pdf: $(COMMUNE_FILES) $(PLAN_SETTINGS) $(wildcard templates/*.docx) | $(SETUP)
	$(DOSSIER) plans $(DATA_DIR)/communes --settings $(PLAN_SETTINGS) -o $(BUILD)/ke-hoach-2025

# --- previews and benchmarks --------------------------------------------------------------
preview: $(SETUP)
	$(DOSSIER) preview cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/xem-truoc/cong-van-ubnd-huyen.pdf --no-open
	$(DOSSIER) preview cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/xem-truoc/cong-van-son-binh.pdf --no-open
	$(DOSSIER) batch $(DATA_DIR) -o $(BUILD)/xem-truoc --draft --no-summary

bench: $(SETUP)
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/run.py --scale-to 120
	$(PY) benchmarks/bench_stamp.py

clean:
	rm -rf $(BUILD)

stop:
	-[ -x $(DOSSIER) ] && $(DOSSIER) office stop
