using System.Reflection;
using TimeBank.Rpc;

namespace TimeBank.Contracts.V1;

/// <summary>
/// The reason catalog: every failure the API can answer with, each declared once with its status and
/// message (domain <see cref="Domain"/>). Grains return these as values; one mapping in the server sends
/// them; clients switch on <see cref="ErrorReason.Code"/>, never on message text. Codes are never renamed
/// once released. Values echoed in messages are cut to <see cref="ErrorReason.MaxEchoedValueLength"/>
/// characters.
/// </summary>
public static class ErrorReasons
{
    public const string Domain = "timebank.v1";

    // Ids and text.
    public static readonly ErrorReason InvalidVolunteerId = new(
        "INVALID_VOLUNTEER_ID", StatusCode.InvalidArgument,
        "volunteer_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "volunteer_id");

    public static readonly ErrorReason InvalidCommunityId = new(
        "INVALID_COMMUNITY_ID", StatusCode.InvalidArgument,
        "community_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "community_id");

    public static readonly ErrorReason InvalidActivityId = new(
        "INVALID_ACTIVITY_ID", StatusCode.InvalidArgument,
        "activity_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "activity_id");

    public static readonly ErrorReason InvalidDisplayName = new(
        "INVALID_DISPLAY_NAME", StatusCode.InvalidArgument,
        "display_name must be 1-200 characters, not blank, without control characters.", "display_name");

    public static readonly ErrorReason InvalidRequestId = new(
        "INVALID_REQUEST_ID", StatusCode.InvalidArgument,
        "request_id must be 1-128 printable ASCII characters without spaces; got '{value}'.", "request_id");

    // Amounts.
    public static readonly ErrorReason MinutesNotPositive = new(
        "MINUTES_NOT_POSITIVE", StatusCode.InvalidArgument, "minutes must be positive; got {minutes}.", "minutes");

    public static readonly ErrorReason MinutesTooLarge = new(
        "MINUTES_TOO_LARGE", StatusCode.InvalidArgument, "minutes must be at most {max} per deposit (the community's policy); got {minutes}.", "minutes");

    public static readonly ErrorReason AmountTooLarge = new(
        "AMOUNT_TOO_LARGE", StatusCode.InvalidArgument, "{field} must be at most {max}; got {value}.");

    public static readonly ErrorReason PointsNotPositive = new(
        "POINTS_NOT_POSITIVE", StatusCode.InvalidArgument, "points must be positive; got {points}.", "points");

    // Transfers and holds.
    public static readonly ErrorReason InvalidToVolunteerId = new(
        "INVALID_TO_VOLUNTEER_ID", StatusCode.InvalidArgument,
        "to_volunteer_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "to_volunteer_id");

    public static readonly ErrorReason TransferToSelf = new(
        "TRANSFER_TO_SELF", StatusCode.InvalidArgument, "A volunteer cannot transfer hours to themselves ('{volunteer_id}').", "to_volunteer_id");

    public static readonly ErrorReason InvalidTransferCode = new(
        "INVALID_TRANSFER_CODE", StatusCode.InvalidArgument, "code must be {allowed}; got {value}.", "code");

    public static readonly ErrorReason InvalidMemo = new(
        "INVALID_MEMO", StatusCode.InvalidArgument, "memo must be at most {max} characters without control characters.", "memo");

    public static readonly ErrorReason InvalidReference = new(
        "INVALID_REFERENCE", StatusCode.InvalidArgument,
        "reference '{value}' is not valid (empty, or 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "reference");

    public static readonly ErrorReason InvalidHoldId = new(
        "INVALID_HOLD_ID", StatusCode.InvalidArgument, "hold_id '{value}' is not a hold id (as HoldPoints answered, e.g. volunteer/ana#7).", "hold_id");

    public static readonly ErrorReason RecipientNotFound = new(
        "RECIPIENT_NOT_FOUND", StatusCode.NotFound, "Volunteer '{to_volunteer_id}', the recipient, is not registered.", "to_volunteer_id");

    public static readonly ErrorReason InvalidTransferId = new(
        "INVALID_TRANSFER_ID", StatusCode.InvalidArgument, "transfer_id '{value}' is not a transfer id (e.g. volunteer/ana#7).", "transfer_id");

    public static readonly ErrorReason TransferNotFound = new(
        "TRANSFER_NOT_FOUND", StatusCode.NotFound, "Transfer '{transfer_id}' is not in this volunteer's journal.", "transfer_id");

    public static readonly ErrorReason TransferNotReversible = new(
        "TRANSFER_NOT_REVERSIBLE", StatusCode.FailedPrecondition,
        "Transfer '{transfer_id}' cannot be reversed: {why}.", "transfer_id");

    public static readonly ErrorReason TransferAlreadyReversed = new(
        "TRANSFER_ALREADY_REVERSED", StatusCode.FailedPrecondition, "Transfer '{transfer_id}' was already reversed by {reversal_id}.", "transfer_id");

    public static readonly ErrorReason TransferInProgress = new(
        "TRANSFER_IN_PROGRESS", StatusCode.Aborted,
        "Transfer {transfer_id} is recorded and under way; it completes by itself within seconds. Retry with the same request id for its outcome.");

    // Community policy.
    public static readonly ErrorReason PointsPerHourOutOfRange = new(
        "POINTS_PER_HOUR_OUT_OF_RANGE", StatusCode.InvalidArgument, "points_per_hour must be 0 to {max}; got {value}.", "policy.points_per_hour");

    public static readonly ErrorReason TooManyCategories = new(
        "TOO_MANY_CATEGORIES", StatusCode.InvalidArgument, "A community may add at most {max} categories of its own; got {count}.", "policy.categories");

    public static readonly ErrorReason InvalidCategory = new(
        "INVALID_CATEGORY", StatusCode.InvalidArgument, "Category '{value}' is not allowed: {problem}.", "policy.categories");

    public static readonly ErrorReason MaxMinutesOutOfRange = new(
        "MAX_MINUTES_OUT_OF_RANGE", StatusCode.InvalidArgument, "max_minutes_per_deposit must be 1 to {max}; got {value}.", "policy.max_minutes_per_deposit");

    public static readonly ErrorReason CreditLimitOutOfRange = new(
        "CREDIT_LIMIT_OUT_OF_RANGE", StatusCode.InvalidArgument, "hours_credit_limit_minutes must be 0 to {max}; got {value}.", "policy.hours_credit_limit_minutes");

    public static readonly ErrorReason HoldExpiryOutOfRange = new(
        "HOLD_EXPIRY_OUT_OF_RANGE", StatusCode.InvalidArgument, "hold_expiry must be 1 minute to 30 days; got {value}.", "policy.hold_expiry");

    public static readonly ErrorReason PolicyMissing = new(
        "POLICY_MISSING", StatusCode.InvalidArgument, "policy is required: the whole policy the community is to have.", "policy");

    public static readonly ErrorReason UnknownCategory = new(
        "UNKNOWN_CATEGORY", StatusCode.InvalidArgument, "Category '{value}' is not one of the community's categories.", "category");

    // Filters of reads (statements); a bad page_size or page_token is INVALID_PAGE.
    public static readonly ErrorReason InvalidLedger = new(
        "INVALID_LEDGER", StatusCode.InvalidArgument, "ledger {value} is not a LedgerType value.", "ledger");

    public static readonly ErrorReason InvalidCategoryFilter = new(
        "INVALID_CATEGORY_FILTER", StatusCode.InvalidArgument, "category '{value}' is not a category (1-64 of a-z 0-9 -, starting with a letter or digit); leave it empty for all.", "category");

    public static readonly ErrorReason InvalidTimestamp = new(
        "INVALID_TIMESTAMP", StatusCode.InvalidArgument, "{field} is not a valid time: seconds must fall in the years 1 to 9999 and nanos in 0 to 999,999,999.");

    public static readonly ErrorReason InvalidTimeRange = new(
        "INVALID_TIME_RANGE", StatusCode.InvalidArgument, "from_time ({from}) must be before to_time ({to}).", "from_time");

    // State.
    public static readonly ErrorReason CommunityNotFound = new(
        "COMMUNITY_NOT_FOUND", StatusCode.NotFound, "Community '{community_id}' does not exist.");

    public static readonly ErrorReason CommunityIdTaken = new(
        "COMMUNITY_ID_TAKEN", StatusCode.AlreadyExists, "Community '{community_id}' already exists with another display name.");

    public static readonly ErrorReason VolunteerNotFound = new(
        "VOLUNTEER_NOT_FOUND", StatusCode.NotFound, "Volunteer '{volunteer_id}' is not registered.");

    public static readonly ErrorReason VolunteerIdTaken = new(
        "VOLUNTEER_ID_TAKEN", StatusCode.AlreadyExists, "Volunteer '{volunteer_id}' is already registered with another name or community.");

    // The ledger's rules (see TimeBank.Ledger.TransferResult).
    public static readonly ErrorReason InsufficientHours = new(
        "INSUFFICIENT_HOURS", StatusCode.FailedPrecondition,
        "{account} has {available} minutes available (limit {limit} below zero); {amount} asked.");

    public static readonly ErrorReason InsufficientPoints = new(
        "INSUFFICIENT_POINTS", StatusCode.FailedPrecondition, "{account} has {available} points available; {amount} asked.");

    public static readonly ErrorReason InsufficientFunds = new(
        "INSUFFICIENT_FUNDS", StatusCode.FailedPrecondition, "{account} has {available} available; {amount} asked.");

    public static readonly ErrorReason AmountOverflow = new(
        "AMOUNT_OVERFLOW", StatusCode.FailedPrecondition, "{account} cannot take {amount} more: its totals would overflow.");

    public static readonly ErrorReason HoldNotFound = new(
        "HOLD_NOT_FOUND", StatusCode.NotFound, "Hold '{hold_id}' does not exist on this volunteer.", "hold_id");

    public static readonly ErrorReason HoldAlreadyPosted = new(
        "HOLD_ALREADY_POSTED", StatusCode.FailedPrecondition, "Hold '{hold_id}' was already posted.", "hold_id");

    public static readonly ErrorReason HoldAlreadyVoided = new(
        "HOLD_ALREADY_VOIDED", StatusCode.FailedPrecondition, "Hold '{hold_id}' was already voided or lapsed.", "hold_id");

    public static readonly ErrorReason HoldExpired = new(
        "HOLD_EXPIRED", StatusCode.FailedPrecondition, "Hold '{hold_id}' lapsed at {timeout} and can no longer be posted.", "hold_id");

    public static readonly ErrorReason AmountExceedsHold = new(
        "AMOUNT_EXCEEDS_HOLD", StatusCode.FailedPrecondition, "Hold '{hold_id}' reserved {held}; {amount} cannot be posted from it.", "amount");

    // Activities.
    public static readonly ErrorReason InvalidTitle = new(
        "INVALID_TITLE", StatusCode.InvalidArgument, "title must be 1-200 characters, not blank, without control characters.", "title");

    public static readonly ErrorReason InvalidDescription = new(
        "INVALID_DESCRIPTION", StatusCode.InvalidArgument, "description must be at most {max} characters; line breaks are its only control characters.", "description");

    public static readonly ErrorReason InvalidPlace = new(
        "INVALID_PLACE", StatusCode.InvalidArgument, "place must be at most {max} characters without control characters.", "place");

    public static readonly ErrorReason InvalidReason = new(
        "INVALID_REASON", StatusCode.InvalidArgument, "reason must be at most {max} characters without control characters.", "reason");

    public static readonly ErrorReason ActivityTimesInvalid = new(
        "ACTIVITY_TIMES_INVALID", StatusCode.InvalidArgument,
        "starts_at, ends_at and sign_up_deadline are required, with sign_up_deadline <= starts_at < ends_at; got {starts_at}, {ends_at}, {sign_up_deadline}.", "starts_at");

    public static readonly ErrorReason MinutesPerVolunteerOutOfRange = new(
        "MINUTES_PER_VOLUNTEER_OUT_OF_RANGE", StatusCode.InvalidArgument, "minutes_per_volunteer must be 1 to {max}; got {value}.", "minutes_per_volunteer");

    public static readonly ErrorReason CapacityOutOfRange = new(
        "CAPACITY_OUT_OF_RANGE", StatusCode.InvalidArgument, "capacity must be 1 to {max}; got {value}.", "capacity");

    public static readonly ErrorReason ActivityNotFound = new(
        "ACTIVITY_NOT_FOUND", StatusCode.NotFound, "Activity '{activity_id}' does not exist.");

    public static readonly ErrorReason ActivityIdTaken = new(
        "ACTIVITY_ID_TAKEN", StatusCode.AlreadyExists, "Activity '{activity_id}' is already published with other content.");

    public static readonly ErrorReason ActivityCancelled = new(
        "ACTIVITY_CANCELLED", StatusCode.FailedPrecondition, "Activity '{activity_id}' was cancelled.");

    public static readonly ErrorReason SignUpClosed = new(
        "SIGN_UP_CLOSED", StatusCode.FailedPrecondition, "Sign-up for activity '{activity_id}' closed at {deadline}.");

    public static readonly ErrorReason ActivityStarted = new(
        "ACTIVITY_STARTED", StatusCode.FailedPrecondition, "Activity '{activity_id}' started at {starts_at}.");

    public static readonly ErrorReason NotOpenToCommunity = new(
        "NOT_OPEN_TO_COMMUNITY", StatusCode.FailedPrecondition, "{what} '{id}' takes only volunteers of its own community, not of '{community_id}'.");

    public static readonly ErrorReason NotSignedUp = new(
        "NOT_SIGNED_UP", StatusCode.FailedPrecondition, "Volunteer '{volunteer_id}' is neither signed up for nor waiting on activity '{activity_id}'.");

    public static readonly ErrorReason AttendeesOutOfRange = new(
        "ATTENDEES_OUT_OF_RANGE", StatusCode.InvalidArgument, "attendees must list 1 to {max} volunteers, each once; {problem}.", "attendees");

    public static readonly ErrorReason AttendanceMinutesOutOfRange = new(
        "ATTENDANCE_MINUTES_OUT_OF_RANGE", StatusCode.InvalidArgument,
        "Minutes for volunteer '{volunteer_id}' must be 1 to the activity's {max}; got {value}.", "attendees");

    public static readonly ErrorReason ActivityNotStarted = new(
        "ACTIVITY_NOT_STARTED", StatusCode.FailedPrecondition, "Activity '{activity_id}' starts at {starts_at}; attendance is confirmed after that.");

    public static readonly ErrorReason AttendanceConfirmed = new(
        "ATTENDANCE_CONFIRMED", StatusCode.FailedPrecondition, "{what}");

    // Micro-wishes.
    public static readonly ErrorReason InvalidWishId = new(
        "INVALID_WISH_ID", StatusCode.InvalidArgument,
        "wish_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "wish_id");

    public static readonly ErrorReason InvalidForWhom = new(
        "INVALID_FOR_WHOM", StatusCode.InvalidArgument, "for_whom must be 1-200 characters, not blank, without control characters.", "for_whom");

    public static readonly ErrorReason InvalidWhat = new(
        "INVALID_WHAT", StatusCode.InvalidArgument, "what must be 1-200 characters, not blank, without control characters.", "what");

    public static readonly ErrorReason WishNotFound = new(
        "WISH_NOT_FOUND", StatusCode.NotFound, "Wish '{wish_id}' does not exist.");

    public static readonly ErrorReason WishIdTaken = new(
        "WISH_ID_TAKEN", StatusCode.AlreadyExists, "Wish '{wish_id}' is already posted with other content.");

    public static readonly ErrorReason WishNotOpen = new(
        "WISH_NOT_OPEN", StatusCode.FailedPrecondition, "Wish '{wish_id}' is {status}.");

    public static readonly ErrorReason WishNotClaimed = new(
        "WISH_NOT_CLAIMED", StatusCode.FailedPrecondition, "Wish '{wish_id}' is held by no volunteer, so nobody can have fulfilled it.");

    public static readonly ErrorReason WishNotClaimedBy = new(
        "WISH_NOT_CLAIMED_BY", StatusCode.FailedPrecondition, "Wish '{wish_id}' is not held by volunteer '{volunteer_id}'.");

    // Stores.
    public static readonly ErrorReason InvalidStoreId = new(
        "INVALID_STORE_ID", StatusCode.InvalidArgument,
        "store_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "store_id");

    public static readonly ErrorReason InvalidItemId = new(
        "INVALID_ITEM_ID", StatusCode.InvalidArgument,
        "item_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "item_id");

    public static readonly ErrorReason InvalidItemName = new(
        "INVALID_ITEM_NAME", StatusCode.InvalidArgument, "name must be 1-200 characters, not blank, without control characters.", "name");

    public static readonly ErrorReason PriceOutOfRange = new(
        "PRICE_OUT_OF_RANGE", StatusCode.InvalidArgument, "price_points must be 1 to {max}; got {value}.", "price_points");

    public static readonly ErrorReason InvalidServedCommunities = new(
        "INVALID_SERVED_COMMUNITIES", StatusCode.InvalidArgument,
        "served_community_ids must be at most {max} valid community ids; got {count}.", "served_community_ids");

    public static readonly ErrorReason QuantityOutOfRange = new(
        "QUANTITY_OUT_OF_RANGE", StatusCode.InvalidArgument, "A stock quantity must be 0 to {max} units (a restock at least 1); got {value}.");

    public static readonly ErrorReason InvalidStockSource = new(
        "INVALID_STOCK_SOURCE", StatusCode.InvalidArgument,
        "source must be STOCK_SOURCE_DONATED with the donor (1-200 characters) or STOCK_SOURCE_BOUGHT with no donor.", "source");

    public static readonly ErrorReason ItemNotFound = new(
        "ITEM_NOT_FOUND", StatusCode.NotFound, "Store '{store_id}' has no item '{item_id}'.", "item_id");

    public static readonly ErrorReason StoreNotFound = new(
        "STORE_NOT_FOUND", StatusCode.NotFound, "Store '{store_id}' does not exist.");

    public static readonly ErrorReason StoreIdTaken = new(
        "STORE_ID_TAKEN", StatusCode.AlreadyExists, "Store '{store_id}' is already open with other content.");

    public static readonly ErrorReason VolunteerNotServed = new(
        "VOLUNTEER_NOT_SERVED", StatusCode.FailedPrecondition,
        "Volunteer '{volunteer_id}' belongs to community '{community_id}', which store '{store_id}' does not serve.", "volunteer_id");

    public static readonly ErrorReason InvalidBasket = new(
        "INVALID_BASKET", StatusCode.InvalidArgument,
        "A basket has 1 to {max_lines} lines of a valid item_id and 1 to {max_quantity} units each; {problem}.", "lines");

    public static readonly ErrorReason TotalOutOfRange = new(
        "TOTAL_OUT_OF_RANGE", StatusCode.InvalidArgument, "total_points must be 1 to {max}; got {value}.", "total_points");

    public static readonly ErrorReason PriceChanged = new(
        "PRICE_CHANGED", StatusCode.FailedPrecondition,
        "The basket costs {total} points at today's prices, not the {shown} shown; nothing was sold. Show the new total and ask again.", "total_points");

    public static readonly ErrorReason ItemNotSold = new(
        "ITEM_NOT_SOLD", StatusCode.FailedPrecondition, "Item '{item_id}' is not sold at store '{store_id}' now.", "item_id");

    public static readonly ErrorReason OutOfStock = new(
        "OUT_OF_STOCK", StatusCode.FailedPrecondition, "Store '{store_id}' has {available} of item '{item_id}' to sell; {quantity} asked.", "item_id");

    public static readonly ErrorReason StockReserved = new(
        "STOCK_RESERVED", StatusCode.FailedPrecondition,
        "{reserved} unit(s) of item '{item_id}' are reserved by sales under way, more than the {counted} counted; count again once they have finished (seconds).", "counted");

    public static readonly ErrorReason DayBeforeOpening = new(
        "DAY_BEFORE_OPENING", StatusCode.FailedPrecondition, "Store '{store_id}' opened on {opened}; it has no day {day}.", "day");

    public static readonly ErrorReason RedemptionInProgress = new(
        "REDEMPTION_IN_PROGRESS", StatusCode.Aborted,
        "Sale {receipt_id} is recorded and under way; it completes by itself within seconds. Retry with the same request id for its receipt.");

    public static readonly ErrorReason InvalidReceiptId = new(
        "INVALID_RECEIPT_ID", StatusCode.InvalidArgument, "receipt_id '{value}' is not a receipt id (yyyyMMdd-number).", "receipt_id");

    public static readonly ErrorReason ReceiptNotFound = new(
        "RECEIPT_NOT_FOUND", StatusCode.NotFound, "Store '{store_id}' has no receipt '{receipt_id}'.", "receipt_id");

    public static readonly ErrorReason RefundExceedsPurchase = new(
        "REFUND_EXCEEDS_PURCHASE", StatusCode.FailedPrecondition,
        "Receipt '{receipt_id}' has {refundable} of item '{item_id}' left to refund; {quantity} asked.", "lines");

    public static readonly ErrorReason NothingToRefund = new(
        "NOTHING_TO_REFUND", StatusCode.FailedPrecondition, "Everything on receipt '{receipt_id}' has been refunded already.", "receipt_id");

    public static readonly ErrorReason InvalidDay = new(
        "INVALID_DAY", StatusCode.InvalidArgument, "{field} '{value}' is not a day (yyyy-MM-dd).");

    public static readonly ErrorReason DayNotStarted = new(
        "DAY_NOT_STARTED", StatusCode.FailedPrecondition, "Store day {day} has not begun yet (the store's today is {today}).", "day");

    public static readonly ErrorReason DayRangeTooLong = new(
        "DAY_RANGE_TOO_LONG", StatusCode.InvalidArgument, "from_day to to_day spans at most {max} days and may not run backwards; got {from} to {to}.", "to_day");

    public static readonly ErrorReason OfflineLimitOutOfRange = new(
        "OFFLINE_LIMIT_OUT_OF_RANGE", StatusCode.InvalidArgument,
        "offline_daily_limit_points must be 0 to {max}; got {value}.", "offline_daily_limit_points");

    public static readonly ErrorReason UtcOffsetOutOfRange = new(
        "UTC_OFFSET_OUT_OF_RANGE", StatusCode.InvalidArgument, "utc_offset_minutes must be -840 to 840; got {value}.", "utc_offset_minutes");

    public static readonly ErrorReason InvalidOfflineBatch = new(
        "INVALID_OFFLINE_BATCH", StatusCode.InvalidArgument, "sales must hold 1 to {max} sales with distinct request ids; {problem}.", "sales");

    public static readonly ErrorReason SoldAtOutOfRange = new(
        "SOLD_AT_OUT_OF_RANGE", StatusCode.InvalidArgument,
        "sold_at {value} is outside what a sync takes: within the last {days} days and not in the future.", "sold_at");

    public static readonly ErrorReason OfflineTotalMismatch = new(
        "OFFLINE_TOTAL_MISMATCH", StatusCode.InvalidArgument,
        "The sale's lines come to {total} points at the prices the terminal used, not the {shown} it recorded.", "total_points");

    public static readonly ErrorReason OfflineLimitExceeded = new(
        "OFFLINE_LIMIT_EXCEEDED", StatusCode.FailedPrecondition,
        "Volunteer '{volunteer_id}' would spend {spent} points offline on {day}, above the store's limit of {limit}; the store carries the sale.");

    public static readonly ErrorReason StoreDayBusy = new(
        "STORE_DAY_BUSY", StatusCode.Aborted,
        "Store '{store_id}' still has {open} sale(s) or refund(s) under way; they finish by themselves within seconds. Retry the close with the same request id.");

    // Funds.
    public static readonly ErrorReason InvalidFundId = new(
        "INVALID_FUND_ID", StatusCode.InvalidArgument,
        "fund_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "fund_id");

    public static readonly ErrorReason FundNotFound = new(
        "FUND_NOT_FOUND", StatusCode.NotFound, "Fund '{fund_id}' does not exist.");

    public static readonly ErrorReason FundIdTaken = new(
        "FUND_ID_TAKEN", StatusCode.AlreadyExists, "Fund '{fund_id}' already exists with other terms.");

    public static readonly ErrorReason InvalidFundKind = new(
        "INVALID_FUND_KIND", StatusCode.InvalidArgument, "kind must be FUND_KIND_COMMUNITY, FUND_KIND_NAMED or FUND_KIND_CROWDFUND; got {value}.", "kind");

    public static readonly ErrorReason InvalidFundName = new(
        "INVALID_FUND_NAME", StatusCode.InvalidArgument, "name must be 1-200 characters, not blank, without control characters.", "name");

    public static readonly ErrorReason InvalidCurrency = new(
        "INVALID_CURRENCY", StatusCode.InvalidArgument, "currency '{value}' is not an ISO 4217 code (three capital letters); leave it empty for CNY.", "currency");

    public static readonly ErrorReason InvalidPurposes = new(
        "INVALID_PURPOSES", StatusCode.InvalidArgument, "purposes must be 1 to {max} categories (1-64 of a-z 0-9 -), each once.", "purposes");

    public static readonly ErrorReason InvalidCommittee = new(
        "INVALID_COMMITTEE", StatusCode.InvalidArgument, "The committee is not valid: {problem}.", "committee_members");

    public static readonly ErrorReason ProposalLifetimeOutOfRange = new(
        "PROPOSAL_LIFETIME_OUT_OF_RANGE", StatusCode.InvalidArgument, "proposal_lifetime must be 1 hour to 365 days; got {value}.", "proposal_lifetime");

    public static readonly ErrorReason InvalidFundTerms = new(
        "INVALID_FUND_TERMS", StatusCode.InvalidArgument,
        "A named fund has a donor and a stated purpose (1-200 characters each), a crowdfund a target (1 to 10^15) and an end; other kinds neither ({kind}).");

    public static readonly ErrorReason CurrencyMismatch = new(
        "CURRENCY_MISMATCH", StatusCode.FailedPrecondition, "The fund keeps {currency}; a donation in {value} cannot go into it.", "currency");

    public static readonly ErrorReason UnknownPurpose = new(
        "UNKNOWN_PURPOSE", StatusCode.FailedPrecondition, "'{value}' is not one of fund '{fund_id}''s purposes.");

    public static readonly ErrorReason CrowdfundEnded = new(
        "CROWDFUND_ENDED", StatusCode.FailedPrecondition, "Crowdfund '{fund_id}' ended at {ends_at}; it takes no more donations.");

    public static readonly ErrorReason InvalidDonor = new(
        "INVALID_DONOR", StatusCode.InvalidArgument, "donor must be 1-200 characters without control characters (empty for an anonymous donation).", "donor");

    public static readonly ErrorReason InvalidPaymentReference = new(
        "INVALID_PAYMENT_REFERENCE", StatusCode.InvalidArgument, "payment_reference must be 1-{max} printable ASCII characters without spaces.", "payment_reference");

    public static readonly ErrorReason AmountNotPositive = new(
        "AMOUNT_NOT_POSITIVE", StatusCode.InvalidArgument, "{field} must be positive; got {value}.");

    public static readonly ErrorReason InvalidPledgeId = new(
        "INVALID_PLEDGE_ID", StatusCode.InvalidArgument,
        "pledge_id '{value}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit).", "pledge_id");

    public static readonly ErrorReason InvalidPledgeTerms = new(
        "INVALID_PLEDGE_TERMS", StatusCode.InvalidArgument,
        "A pledge needs a period (PLEDGE_PERIOD_MONTHLY or PLEDGE_PERIOD_YEARLY), starts_at, and an ends_at after it if any.", "period");

    public static readonly ErrorReason PledgeNotFound = new(
        "PLEDGE_NOT_FOUND", StatusCode.NotFound, "Fund '{fund_id}' has no pledge '{pledge_id}'.", "pledge_id");

    public static readonly ErrorReason PledgeIdTaken = new(
        "PLEDGE_ID_TAKEN", StatusCode.AlreadyExists, "Pledge '{pledge_id}' already exists with other terms.", "pledge_id");

    public static readonly ErrorReason PledgeMismatch = new(
        "PLEDGE_MISMATCH", StatusCode.FailedPrecondition,
        "A donation fulfilling pledge '{pledge_id}' gives its amount ({amount}) to its earmark ('{earmark}').", "amount");

    public static readonly ErrorReason PledgeCompleted = new(
        "PLEDGE_COMPLETED", StatusCode.FailedPrecondition, "Every due date of pledge '{pledge_id}' is fulfilled already.", "pledge_id");

    public static readonly ErrorReason NotACommitteeMember = new(
        "NOT_A_COMMITTEE_MEMBER", StatusCode.PermissionDenied, "'{member}' is not on the committee of fund '{fund_id}' now.");

    public static readonly ErrorReason InvalidRecipient = new(
        "INVALID_RECIPIENT", StatusCode.InvalidArgument, "recipient must be 1-200 characters, not blank, without control characters.", "recipient");

    public static readonly ErrorReason InvalidProposalText = new(
        "INVALID_PROPOSAL_TEXT", StatusCode.InvalidArgument, "text must be 1-{max} characters, not blank.", "text");

    public static readonly ErrorReason InvalidProposalId = new(
        "INVALID_PROPOSAL_ID", StatusCode.InvalidArgument, "proposal_id '{value}' is not a proposal id (p1, p2, ...).", "proposal_id");

    public static readonly ErrorReason InvalidProposalStatus = new(
        "INVALID_PROPOSAL_STATUS", StatusCode.InvalidArgument, "status {value} is not a ProposalStatus.", "status");

    public static readonly ErrorReason ProposalNotFound = new(
        "PROPOSAL_NOT_FOUND", StatusCode.NotFound, "Fund '{fund_id}' has no proposal '{proposal_id}'.", "proposal_id");

    public static readonly ErrorReason ProposalDecided = new(
        "PROPOSAL_DECIDED", StatusCode.FailedPrecondition, "Proposal '{proposal_id}' is {status}; it takes no more votes.", "proposal_id");

    public static readonly ErrorReason VoteAlreadyCast = new(
        "VOTE_ALREADY_CAST", StatusCode.FailedPrecondition, "'{member}' has already voted on proposal '{proposal_id}'.", "proposal_id");

    public static readonly ErrorReason ProposerCannotApprove = new(
        "PROPOSER_CANNOT_APPROVE", StatusCode.FailedPrecondition, "'{member}' proposed '{proposal_id}' and may reject it, not approve it.", "approve");

    public static readonly ErrorReason ProposalNotApproved = new(
        "PROPOSAL_NOT_APPROVED", StatusCode.FailedPrecondition, "Proposal '{proposal_id}' is {status}: only an approved allocation is paid out or cancelled.", "proposal_id");

    public static readonly ErrorReason AllocationPaidOut = new(
        "ALLOCATION_PAID_OUT", StatusCode.FailedPrecondition, "Proposal '{proposal_id}' was paid out already (payment {payment_reference}).", "proposal_id");

    /// <summary>A proposal's outcome, not an answer to a call: too few members left who could approve it.</summary>
    public static readonly ErrorReason QuorumUnreachable = new(
        "QUORUM_UNREACHABLE", StatusCode.FailedPrecondition, "Too few members are left who could approve proposal '{proposal_id}'.");

    public static readonly ErrorReason RequestIdReused = new(
        "REQUEST_ID_REUSED", StatusCode.AlreadyExists,
        "request_id '{request_id}' was already used by this key for a different request ({operation} on {target}); use a new id for a new request.",
        "request_id");

    // Who may call.
    public static readonly ErrorReason KeyMissing = new(
        "KEY_MISSING", StatusCode.Unauthenticated, "This call needs an API key: send the header 'authorization: Bearer <key>'.");

    public static readonly ErrorReason KeyMalformed = new(
        "KEY_MALFORMED", StatusCode.Unauthenticated, "The authorization header is not 'Bearer <key>' with a TimeBank key ({problem}).");

    public static readonly ErrorReason KeyUnknown = new(
        "KEY_UNKNOWN", StatusCode.Unauthenticated, "The API key is not known to this server.");

    public static readonly ErrorReason KeyRevoked = new(
        "KEY_REVOKED", StatusCode.Unauthenticated, "The API key '{key_id}' was revoked.");

    public static readonly ErrorReason RoleNotAllowed = new(
        "ROLE_NOT_ALLOWED", StatusCode.PermissionDenied, "A key with role {role} may not call {method}.");

    public static readonly ErrorReason OutOfScope = new(
        "OUT_OF_SCOPE", StatusCode.PermissionDenied, "This key's scope ({scope}) does not cover this {what}.");

    // Keys administration.
    public static readonly ErrorReason InvalidRole = new(
        "INVALID_ROLE", StatusCode.InvalidArgument,
        "role '{value}' is not one of admin, community-admin, organizer, app, terminal, committee-member, auditor.", "role");

    public static readonly ErrorReason InvalidScope = new(
        "INVALID_SCOPE", StatusCode.InvalidArgument, "scope '{value}' does not fit role {role}: {rule}", "scope");

    public static readonly ErrorReason InvalidMember = new(
        "INVALID_MEMBER", StatusCode.InvalidArgument, "member '{value}' does not fit role {role}: {rule}", "member");

    public static readonly ErrorReason InvalidKeyId = new(
        "INVALID_KEY_ID", StatusCode.InvalidArgument, "key_id '{value}' is not a key id (16 characters of a-z and 2-7).", "key_id");

    public static readonly ErrorReason InvalidPage = new(
        "INVALID_PAGE", StatusCode.InvalidArgument, "{field} is not valid: {rule}");

    public static readonly ErrorReason KeyNotFound = new(
        "KEY_NOT_FOUND", StatusCode.NotFound, "There is no key '{key_id}'.");

    public static readonly ErrorReason RoleNotGrantable = new(
        "ROLE_NOT_GRANTABLE", StatusCode.PermissionDenied, "A {role} key may not create or revoke {granted} keys.");

    // Reports.
    public static readonly ErrorReason InvalidFromMonth = new(
        "INVALID_FROM_MONTH", StatusCode.InvalidArgument, "from_month '{value}' is not a month: YYYY-MM (e.g. 2026-01), or empty for the first.", "from_month");

    public static readonly ErrorReason InvalidToMonth = new(
        "INVALID_TO_MONTH", StatusCode.InvalidArgument, "to_month '{value}' is not a month: YYYY-MM (e.g. 2026-12), or empty for the last.", "to_month");

    public static readonly ErrorReason InvalidMonthRange = new(
        "INVALID_MONTH_RANGE", StatusCode.InvalidArgument, "from_month {from_month} is after to_month {to_month}.", "to_month");

    public static readonly ErrorReason InvalidLeaderboardPeriod = new(
        "INVALID_LEADERBOARD_PERIOD", StatusCode.InvalidArgument, "period {value} is not a LeaderboardPeriod value (this month, this year or all time).", "period");

    public static readonly ErrorReason InvalidTop = new(
        "INVALID_TOP", StatusCode.InvalidArgument, "top must be 1 to {max} (0 for the default, {default}); got {value}.", "top");

    // Infrastructure: worth a retry with the same request id.
    public static readonly ErrorReason ConcurrentUpdate = new(
        "CONCURRENT_UPDATE", StatusCode.Aborted, "The record was changed by another writer at the same time; retry with the same request id.");

    public static readonly ErrorReason StorageUnavailable = new(
        "STORAGE_UNAVAILABLE", StatusCode.Unavailable, "Storage is unavailable; nothing was changed. Retry with the same request id.");

    public static readonly ErrorReason StorageRejected = new(
        "STORAGE_REJECTED", StatusCode.Internal, "Storage refused the change as malformed; nothing was changed. This is a server fault, not the request's.");

    public static readonly ErrorReason ShuttingDown = new(
        "SHUTTING_DOWN", StatusCode.Unavailable, "The server is shutting down; retry with the same request id on another server or later.");

    public static readonly ErrorReason GrainCallCycle = new(
        "GRAIN_CALL_CYCLE", StatusCode.Internal, "The request would have waited on itself inside the server and was refused; nothing was changed. This is a server fault.");

    public static readonly ErrorReason GrainCallTimeout = new(
        "GRAIN_CALL_TIMEOUT", StatusCode.Unavailable, "A step inside the server did not answer in time; retry with the same request id.");

    /// <summary>Every reason above, for documentation and tests.</summary>
    public static IReadOnlyList<ErrorReason> All { get; } = typeof(ErrorReasons)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorReason))
        .Select(f => (ErrorReason)f.GetValue(null)!)
        .ToArray();
}
