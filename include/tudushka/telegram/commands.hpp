// What the bot does with an update, and the messages the scheduler sends.
#pragma once

#include <vector>

#include "tudushka/db/db.hpp"
#include "tudushka/telegram/store.hpp"
#include "tudushka/telegram/update.hpp"

namespace tudushka::telegram {

// Applies `update` through `db` and returns the replies to send. The caller runs this
// inside the transaction that also stores the next offset, so every effect here must be
// plain statements (nothing that opens its own transaction). Mistakes a user can make
// (bad code, empty title, unknown task) become replies; anything thrown is a real failure.
std::vector<Outgoing> Dispatch(db::Connection& db, const Update& update);

// The reminder message with its Done / Snooze 1 h / Tomorrow buttons.
Outgoing ReminderMessage(const DueReminder& reminder);
// The morning digest: today's and overdue open tasks of the user.
Outgoing DigestMessage(db::Connection& db, const DueDigest& digest);

}  // namespace tudushka::telegram
