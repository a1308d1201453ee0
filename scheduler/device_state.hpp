#pragma once

namespace winnow::scheduler {

// Life of a device in the pool:
//   up ──drain()──▶ draining ──(in-flight batch done or moved)──▶ left
//   up ──device_failed()──▶ down
//   down / left / draining ──readmit()──▶ up
enum class device_state { up, draining, down, left };

const char* to_string(device_state s);

}  // namespace winnow::scheduler
