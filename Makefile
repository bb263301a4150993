# dossier: a thin Makefile over the `dossier` CLI (see README.md).
#   make demo        set up, then build the sample letters, the whole sample district (2021-2025) and
#                    the 2026 province folder (samples/lai-chau-2026 into build/lai-chau-2026)
#   make test        set up, then run the tests
#   make all         every commune (reports + dossiers), the district summary, villages, plans
#   make son-binh    one commune (any file name in $(DATA_DIR)/communes)
#   make preview     draft previews (watermarked "DỰ THẢO")
#   make bench       benchmarks (speed and memory, with ratios to baselines)
#   make clean       remove build/ (resident servers stay: they change no byte of any output)
#   make stop        stop the resident LibreOffice and Python servers now (else they stop when idle)
#   make serve       the clerks' web page (dossier serve) on a copy of the samples, http://127.0.0.1:8765/
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
# the district's / province's dossiers: ho-so-huyen-*.yaml, ho-so-tinh-*.yaml (they belong to no one commune)
DISTRICT_UNITS := $(patsubst ho-so-%,%,$(basename $(notdir $(wildcard $(DATA_DIR)/ho-so-huyen-*.yaml $(DATA_DIR)/ho-so-tinh-*.yaml))))
STAMPS        := $(BUILD)/.stamps
# SIGN=ky-so.yaml: every dossier signed (`dossier batch --sign`); the password from DOSSIER_KEY_PASSWORD,
# since each commune is a command of its own. Turning it on or off, or naming another file, rebuilds them.
SIGN          ?=
SIGN_OPT      := $(if $(SIGN),--sign $(SIGN))
SIGN_SEEN     := $(STAMPS)/.ky-so
# written (only when SIGN changed) as make reads this file, not by a recipe: a recipe waits for a
# free job slot, and with -j2 the district-wide targets took both, so the commune a clerk had just
# edited started after them. Before any $(wildcard) of $(STAMPS): make remembers a folder's files.
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
SIGN_CHECKED := $(shell mkdir -p '$(STAMPS)' && { [ -f '$(SIGN_SEEN)' ] && [ "$$(cat '$(SIGN_SEEN)')" = '$(SIGN)' ] || printf '%s\n' '$(SIGN)' > '$(SIGN_SEEN)'; })
else ifneq ($(shell cat '$(SIGN_SEEN)' 2>/dev/null),$(SIGN))
.PHONY: $(SIGN_SEEN)  # make -n: show what the change would rebuild, without writing the stamp
endif

.PHONY: all demo test setup clean stop preview bench communes district summary villages plans letters era-2026 baseline-2025 serve $(COMMUNES)

# villages and plans need the plan settings; a folder without them (the 2026 province) skips both.
# make -j starts these in this order: the plans' summary first, the longest district-wide command
# after one commune changed (it reads every commune), so the short ones share the other job slot.
PLANNED := $(wildcard $(PLAN_SETTINGS))
all: $(if $(PLANNED),plans) communes district summary $(if $(PLANNED),villages)

$(SETUP): pyproject.toml tools/setup.sh
	bash tools/setup.sh

setup: $(SETUP)

demo: letters all era-2026

# the 2026-2030 samples (two-level government), as a province folder of their own
era-2026: | $(SETUP)
	$(MAKE) all DATA_DIR=samples/lai-chau-2026 BUILD=$(BUILD)/lai-chau-2026

test: $(SETUP)
	$(PY) -m pytest -q

# --- the sample letters (issue #2) -------------------------------------------------------
letters: $(SETUP)
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/cong-van-ubnd-huyen/cong-van.pdf
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.docx
	$(DOSSIER) render cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/cong-van-son-binh/cong-van.pdf
	$(DOSSIER) render cong-van $(SAMPLES)/giay-moi/danh-sach.xlsx -o $(BUILD)/giay-moi --name "{stt:02d}-{ten_don_vi}" --combined

# --- one target per commune: its report and dossiers, rebuilt when any input changes ------
communes: $(COMMUNES)

$(COMMUNES): %: $(STAMPS)/%

$(STAMPS)/%: $(DATA_DIR)/communes/%.yaml $(SIGN_SEEN) | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) --only $* -o $(BUILD) -j 1 --depfile $@.d --stamp $@ $(SIGN_OPT)

$(STAMPS)/%: $(DATA_DIR)/communes/%.xlsx $(SIGN_SEEN) | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) --only $* -o $(BUILD) -j 1 --depfile $@.d --stamp $@ $(SIGN_OPT)

district: $(addprefix $(STAMPS)/,$(DISTRICT_UNITS))

# after the communes (order only): a commune dossier it nests is then copied, not built twice
$(STAMPS)/huyen-%: $(DATA_DIR)/ho-so-huyen-%.yaml $(SIGN_SEEN) | $(SETUP) $(addprefix $(STAMPS)/,$(COMMUNES))
	$(DOSSIER) batch $(DATA_DIR) --only huyen-$* -o $(BUILD) -j 1 --depfile $@.d --stamp $@ $(SIGN_OPT)

$(STAMPS)/tinh-%: $(DATA_DIR)/ho-so-tinh-%.yaml $(SIGN_SEEN) | $(SETUP) $(addprefix $(STAMPS)/,$(COMMUNES))
	$(DOSSIER) batch $(DATA_DIR) --only tinh-$* -o $(BUILD) -j 1 --depfile $@.d --stamp $@ $(SIGN_OPT)

-include $(wildcard $(STAMPS)/*.d)

$(SIGN_SEEN): ;  # written as make reads this file (above)

# --- district-wide outputs ------------------------------------------------------------------
# (an output whose bytes did not change is not rewritten: `touch $@` tells make it is up to date)
summary: $(BUILD)/tong-hop/tong-hop.pdf

$(BUILD)/tong-hop/tong-hop.pdf: $(COMMUNE_FILES) templates/bang-tong-hop.docx | $(SETUP)
	$(DOSSIER) batch $(DATA_DIR) -o $(BUILD) --summary-only
	@touch $@

villages: $(BUILD)/ban-ntm/danh-sach-ban.xlsx

$(BUILD)/ban-ntm/danh-sach-ban.xlsx: $(COMMUNE_FILES) $(PLAN_SETTINGS) | $(SETUP)
	$(DOSSIER) villages $(DATA_DIR)/communes --settings $(PLAN_SETTINGS) -o $@
	@touch $@

plans: $(BUILD)/ke-hoach-2025/tong-hop-ke-hoach.pdf

$(BUILD)/ke-hoach-2025/tong-hop-ke-hoach.pdf: $(COMMUNE_FILES) $(PLAN_SETTINGS) $(wildcard templates/*.docx) | $(SETUP)
	$(DOSSIER) plans $(DATA_DIR)/communes --settings $(PLAN_SETTINGS) -o $(BUILD)/ke-hoach-2025
	@touch $@

# --- previews and benchmarks --------------------------------------------------------------
preview: $(SETUP)
	$(DOSSIER) preview cong-van $(SAMPLES)/cong-van-ubnd-huyen.yaml -o $(BUILD)/xem-truoc/cong-van-ubnd-huyen.pdf --no-open
	$(DOSSIER) preview cong-van $(SAMPLES)/cong-van-son-binh.yaml -o $(BUILD)/xem-truoc/cong-van-son-binh.pdf --no-open
	$(DOSSIER) batch $(DATA_DIR) -o $(BUILD)/xem-truoc --draft --no-summary

bench: $(SETUP)
	$(PY) benchmarks/bench_merge.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/run.py --scale-to 120
	$(PY) benchmarks/bench_stamp.py
	$(PY) benchmarks/bench_check.py
	$(PY) benchmarks/bench_web_preview.py
	$(PY) benchmarks/bench_sign.py

clean:
	rm -rf $(BUILD)

stop:
	-[ -x $(DOSSIER) ] && $(DOSSIER) office stop

# --- 2026-2030 samples (two-level government): the merged communes' 2025 baseline ---------------
# Made from the 2024 samples of their predecessors with `dossier merge-communes` (committed; this
# target writes them again, byte for byte).
LC26 := samples/lai-chau-2026
TD   := samples/tam-duong/communes
TT   := $(LC26)/tien-than-2024
baseline-2025: $(SETUP)
	$(DOSSIER) merge-communes $(TT)/tt-tam-duong.yaml $(TD)/binh-lu.yaml $(TD)/son-binh.yaml --into "Bình Lư" --code 03390 -o $(LC26)/co-so-2025/binh-lu.yaml
	$(DOSSIER) merge-communes $(TD)/ban-bo.yaml $(TD)/na-tam.yaml --into "Bản Bo" --code 03424 -o $(LC26)/co-so-2025/ban-bo.yaml
	$(DOSSIER) merge-communes $(TD)/ta-leng.yaml $(TD)/giang-ma.yaml $(TD)/ho-thau.yaml --into "Tả Lèng" --code 03405 -o $(LC26)/co-so-2025/ta-leng.yaml
	$(DOSSIER) merge-communes $(TD)/khun-ha.yaml $(TD)/ban-hon.yaml --into "Khun Há" --code 03430 -o $(LC26)/co-so-2025/khun-ha.yaml
	$(DOSSIER) merge-communes $(TD)/then-sin.yaml $(TT)/nam-xe.yaml $(TT)/sin-suoi-ho-phong-tho.yaml --into "Sin Suối Hồ" --code 03394 -o $(LC26)/co-so-2025/sin-suoi-ho.yaml

# --- the clerks' web page (issue #17): on the samples, a copy in $(BUILD) so edits never touch samples/
SERVE_DIR := $(if $(filter $(SAMPLES),$(DATA_DIR)),$(BUILD)/du-lieu-mau,$(DATA_DIR))

serve: $(SETUP)
	@if [ "$(SERVE_DIR)" != "$(DATA_DIR)" ] && [ ! -d "$(SERVE_DIR)" ]; then mkdir -p $(BUILD) && cp -r $(SAMPLES) $(SERVE_DIR); fi
	$(DOSSIER) serve $(SERVE_DIR)
