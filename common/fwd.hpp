#pragma once

namespace winnow {
class status;
template <class T> class status_or;
class clock;
class fake_clock;
}  // namespace winnow
