# Gatun: the front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The build selects JDK 25 itself, whatever the default java is.
JAVA_HOME := $(shell tools/find-jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp
# Debian's python (python3-pyelftools) and toolchain first, whatever the caller's PATH.
export PATH := /usr/sbin:/usr/bin:/sbin:/bin:$(PATH)
NATIVE_BUILD := forwarder-native/build

.PHONY: help
help: ## list the targets
	@echo "Gatun - kernel-bypass load balancer for bare-metal Kubernetes"
	@echo
	@grep -hE '^[a-z%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: deps
deps: ## install the Debian packages the build, tests and demo need (needs root)
	tools/install-packages.sh

.PHONY: dpdk
dpdk: deps ## build DPDK 22.11 from Debian's source package into the cache (once)
	@tools/build-dpdk.sh >/dev/null

.PHONY: kube-apiserver
kube-apiserver: deps ## build kube-apiserver 1.20.2 from Debian's source package for tests (once)
	@tools/build-kube-apiserver.sh >/dev/null

.PHONY: kube
kube: deps ## build the node's Kubernetes 1.20.2 binaries (kubelet, controller-manager, scheduler, proxy, pause) into the cache (once)
	@tools/build-kube.sh >/dev/null

.PHONY: images
IMAGES_DIR := target/images
images: build ## the operator and forwarder images as OCI archives in target/images (offline, reproducible)
	@tools/build-images.sh $(IMAGES_DIR) >/dev/null

.PHONY: test-images
test-images: build ## check the images: reproducible (two builds, one digest), no shell, users, libraries
	tools/test-images.sh

.PHONY: native
native: dpdk ## build libgatunfwd.so and the C tests (meson/ninja)
	@export PKG_CONFIG_PATH=$$(tools/build-dpdk.sh)/lib/pkgconfig; \
	  [ -f $(NATIVE_BUILD)/build.ninja ] || meson setup $(NATIVE_BUILD) forwarder-native >/dev/null; \
	  ninja -C $(NATIVE_BUILD)

.PHONY: build
build: native ## build everything: native library, Java modules, runnable jars
	$(MVN) -q install -DskipTests

.PHONY: crds
crds: ## regenerate crds/ from the Java API model
	$(MVN) -q -pl operator -am install -DskipTests
	operator/update-crds.sh --no-build

.PHONY: bundle
bundle: ## regenerate olm-bundle/ and deploy/ from the model, samples and deploy/rbac.yaml (checked: OLM's rules), and pack the bundle image in target/images
	$(MVN) -q -Pgenerate -pl bundle -am process-classes
	@tools/build-bundle-image.sh $(IMAGES_DIR) >/dev/null

.PHONY: test
test: deps native kube-apiserver kube ## run every test: C packet tests, fuzzing (bounded), Java unit, operator IT, netns and node E2E, images (needs root)
	meson test -C $(NATIVE_BUILD) --print-errorlogs
	$(MAKE) --no-print-directory fuzz
	$(MVN) install
	tools/test-images.sh

.PHONY: test-c
test-c: native ## C fast-path tests only
	meson test -C $(NATIVE_BUILD) --print-errorlogs

.PHONY: fuzz
FUZZ_SECONDS ?= 120
fuzz: dpdk ## fuzz the parser and pipeline (libFuzzer, ASan, UBSan) for FUZZ_SECONDS from the corpus in the repo
	@export PKG_CONFIG_PATH=$$(tools/build-dpdk.sh)/lib/pkgconfig; \
	  [ -f forwarder-native/build-fuzz/build.ninja ] || CC=clang meson setup forwarder-native/build-fuzz forwarder-native -Dfuzz=true >/dev/null; \
	  ninja -C forwarder-native/build-fuzz fuzz_pipeline >/dev/null
	@work=$$(mktemp -d); \
	  forwarder-native/build-fuzz/fuzz_pipeline -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=forwarder-native/build-fuzz/ $$work forwarder-native/fuzz/corpus 2>&1 \
	    | grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))|ERROR|SUMMARY|runtime error|^ *#[0-9]+ 0x'; \
	  rc=$${PIPESTATUS[0]}; rm -rf $$work; exit $$rc

.PHONY: corpus
corpus: native ## regenerate the fuzzing seeds from the packet tests' frames
	rm -rf forwarder-native/fuzz/corpus && mkdir -p forwarder-native/fuzz/corpus
	for t in test_pipeline test_modes test_sched test_frag test_fleet; do GATUN_WRITE_CORPUS=forwarder-native/fuzz/corpus $(NATIVE_BUILD)/$$t >/dev/null; done

.PHONY: demo
demo: deps kube images ## the demo on a real node: Gatun installed from olm-bundle/, pods behind a Service, traffic through the VIP
	@tools/build-echo-image.sh $(IMAGES_DIR) >/dev/null
	tools/demo-node.sh $(IMAGES_DIR)

.PHONY: demo-local
demo-local: deps native kube-apiserver ## the fast demo as processes: API server, operator, forwarder, netns hosts, traffic through a VIP
	$(MVN) -q install -DskipTests
	tools/demo.sh

.PHONY: bench
BENCHES := dataplane commit controlplane availability failover iptables bgp
bench: deps native kube-apiserver ## run every benchmark; figures go to bench/results/*.json and BENCHMARKS.md
	$(MVN) -q install -DskipTests
	@for b in $(BENCHES); do \
	  [ -x bench/$$b.sh ] || { echo "bench/$$b.sh does not exist yet: no $$b figures" >&2; exit 1; }; \
	  bench/$$b.sh || exit 1; \
	done

bench-%: deps native ## run one benchmark: bench-dataplane, bench-commit, bench-controlplane, bench-availability, bench-failover, bench-iptables, bench-bgp
	bench/$*.sh

.PHONY: fmt
fmt: ## format the Java code (google-java-format); the build checks it
	$(MVN) -q spotless:apply

.PHONY: clean
clean: ## remove build outputs (keeps the DPDK and kube-apiserver caches)
	rm -rf $(NATIVE_BUILD)
	$(MVN) -q clean
