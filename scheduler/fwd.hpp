#pragma once

namespace winnow::scheduler {
struct request;
struct batch;
struct decision;
class policy_queue;
class device_picker;
class cost_ledger;
class batch_former;
class simulated_device;
}  // namespace winnow::scheduler
