#pragma once
// The SM base clock of a CUDA device, for the int8 peak the GEMM is compared
// to. The runtime only reports the boost clock (cudaDevAttrClockRate), which
// a card holds only while cool and lightly loaded: a peak computed from it
// overstates what sustained GEMMs can reach (H100 SXM: 1980 vs 1590 MHz base
// in NVIDIA's datasheet). NVML's default applications clock is the base
// clock on datacenter cards. NVML is opened at run time (dlopen), so the
// benchmark still starts where the driver's libnvidia-ml is missing.

#include <string>

#include "common/status_or.hpp"

namespace winnow::bench {

// MHz, from NVML for the device at `pci_bus_id` ("0000:3b:00.0", as
// cudaDeviceGetPCIBusId writes it). unavailable with NVML's words when
// NVML is missing or has no default clock for the card (GeForce cards).
status_or<int> nvml_base_clock_mhz(const std::string& pci_bus_id);

}  // namespace winnow::bench
