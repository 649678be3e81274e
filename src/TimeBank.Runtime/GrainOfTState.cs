using TimeBank.Storage;

namespace TimeBank.Runtime;

/// <summary>
/// A grain with persistent state: loaded at activation, written only when the grain calls
/// <see cref="WriteStateAsync"/>. A failed write throws to the caller and discards the activation, so memory
/// never holds what the database does not.
/// </summary>
public abstract class Grain<TState> : Grain
    where TState : class, new()
{
    private static readonly System.Text.Json.JsonSerializerOptions ReminderJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private long _version;

    // Null while the grain has none: most grains never set one, and an idle activation stays small.
    // Reminders live beside the grain, not in it: most grains never set one, and every field here is paid by
    // every idle activation (memory per idle activation is a design target). Collected with the grain.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Grain, ReminderSet> ReminderSets = new();

    protected TState State { get; private set; } = new();

    /// <summary>True once the state has been written at least once.</summary>
    protected bool StateExists => _version > 0;

    /// <summary>The stored version this activation's state was read or last written at.</summary>
    protected long StateVersion => _version;

    /// <summary>
    /// A grain whose state was never written holds nothing worth keeping (a lookup of an unknown id), so by
    /// default its activation goes as soon as it is idle: a million lookups of unknown ids keep nothing
    /// resident. A grain that keeps useful memory without stored state says true.
    /// </summary>
    protected virtual bool KeepActivationWithoutState => false;

    /// <summary>Writes the state and the journal rows that explain the change, atomically and durably.</summary>
    /// <exception cref="StaleStateException">Another writer changed the state first; the activation is discarded.</exception>
    /// <exception cref="StorageUnavailableException">The database did not commit; the activation is discarded.</exception>
    /// <param name="request">The caller's request this write answers, stored in the same transaction.</param>
    /// <exception cref="DuplicateRequestException">The request id is already recorded; the activation is discarded.</exception>
    /// <param name="reports">Running totals, marks and the standing the write changes, stored in the same transaction.</param>
    protected async Task WriteStateAsync(IReadOnlyList<JournalEntry>? journal = null, RequestRecord? request = null, ReportWrites? reports = null)
    {
        if (Activation.DiscardRequested)
        {
            // This turn already changed the state without storing it (a refused or failed write): writing now
            // would store that change, so the caller must give up and let the next call reload.
            throw new StaleStateException($"The state of {GrainId} was discarded earlier in this turn; it is not written.");
        }

        var host = Activation.Host;
        var payload = host.Serializer.Serialize(State);
        var reminders = FindReminders();
        try
        {
            // No cancellation: once handed to storage, a write either commits or fails; a caller that gave up
            // learns the outcome by retrying with the same request id.
            _version = await host.Storage.WriteStateAsync(
                new StateWrite(GrainId.ToString(), _version, payload, journal ?? StateWrite.NoJournal)
                {
                    Request = request,
                    Reminders = reminders is { Items.Count: > 0 } ? System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(reminders.Items.Values.ToArray(), ReminderJson) : ReadOnlyMemory<byte>.Empty,
                    NextReminderAt = reminders is { Items.Count: > 0 } ? reminders.Items.Values.Min(r => r.Due) : null,
                    Tallies = reports?.Tallies ?? [],
                    Marks = reports?.Marks ?? [],
                    Standing = reports?.Standing,
                },
                CancellationToken.None);
            if (reminders is not null)
            {
                reminders.Changed = false;
                if (reminders.Items.Count == 0)
                {
                    ReminderSets.Remove(this);
                }
            }
            Activation.Stateless = false;
        }
        catch
        {
            Activation.DiscardAfterTurn();
            throw;
        }
    }

    /// <summary>
    /// Stores a request's answer without changing the state: written against the version this activation's state
    /// was read or last written at (0 when there is none), so an answer decided on a copy that another writer has
    /// moved past fails as stale rather than standing. The activation keeps its state and version.
    /// </summary>
    /// <exception cref="StaleStateException">The stored state is not the one the answer was decided on; the activation is discarded.</exception>
    /// <exception cref="DuplicateRequestException">The request id is already recorded; the activation is discarded.</exception>
    /// <exception cref="StorageUnavailableException">The database did not commit; the activation is discarded.</exception>
    protected async Task WriteAnswerAsync(RequestRecord request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await Activation.Host.Storage.WriteStateAsync(StateWrite.AnswerOnly(GrainId.ToString(), _version, request), CancellationToken.None);
        }
        catch
        {
            Activation.DiscardAfterTurn();
            throw;
        }
    }

    /// <summary>
    /// Sets (or moves) a durable reminder; it is stored by this turn's <see cref="WriteStateAsync"/>, in the
    /// same transaction as the state, so a reminder exists exactly when the state that needs it does. The
    /// grain must implement <see cref="IRemindable"/>.
    /// </summary>
    protected void SetReminder(string name, DateTimeOffset due, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"{GetType().Name} sets a reminder but does not implement IRemindable.");
        }

        if (period is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder's period is positive.");
        }

        var reminders = ReminderSets.GetOrCreateValue(this);
        reminders.Items[name] = new Reminder(name, due, period);
        reminders.Changed = true;
    }

    /// <summary>Removes a reminder (stored by this turn's write); nothing happens when there is none.</summary>
    protected void ClearReminder(string name)
    {
        if (FindReminders() is { } reminders && reminders.Items.Remove(name))
        {
            reminders.Changed = true;
        }
    }

    /// <summary>This grain's reminders, in name order.</summary>
    protected IReadOnlyCollection<Reminder> Reminders => FindReminders()?.Items.Values ?? (IReadOnlyCollection<Reminder>)[];

    private ReminderSet? FindReminders() => ReminderSets.TryGetValue(this, out var reminders) ? reminders : null;

    /// <summary>Forgets this activation's in-memory state once the current turn ends: the next call reloads what
    /// is stored. For a turn that may have changed state and then decided not to write it.</summary>
    protected void DiscardAfterTurn() => Activation.DiscardAfterTurn();

    /// <summary>The stored answer to one caller's request id, or null when the id is new to that caller.</summary>
    protected Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.FindRequestAsync(callerKeyId, requestId, cancellationToken);

    /// <summary>This grain's journal rows for one client request id (empty when the request is new).</summary>
    protected Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string requestId, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.FindJournalByRequestAsync(GrainId.ToString(), requestId, cancellationToken);

    /// <summary>A page of this grain's journal, oldest first, after <paramref name="afterSequence"/>.</summary>
    protected Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.ReadJournalAsync(GrainId.ToString(), afterSequence, limit, cancellationToken);

    internal override async Task LoadStateAsync(CancellationToken cancellationToken)
    {
        var host = Activation.Host;
        var stored = await host.Storage.ReadStateAsync(GrainId.ToString(), cancellationToken);
        if (stored is not null)
        {
            State = host.Serializer.Deserialize<TState>(stored.Payload.Span);
            _version = stored.Version;
            if (!stored.Reminders.IsEmpty)
            {
                var reminders = new ReminderSet();
                foreach (var reminder in System.Text.Json.JsonSerializer.Deserialize<Reminder[]>(stored.Reminders.Span, ReminderJson)!)
                {
                    reminders.Items[reminder.Name] = reminder;
                }

                ReminderSets.AddOrUpdate(this, reminders);
            }
        }

        // Read once here, so the end of every turn checks a field rather than asking the grain.
        Activation.Stateless = _version == 0 && !KeepActivationWithoutState;
    }

    /// <summary>
    /// Runs every reminder due by now, earliest first, each moved on (or removed) before its call; stores the
    /// moved reminders if no call wrote state. Called by the host's reminder poll, in a turn of its own.
    /// </summary>
    internal override async Task<int> FireDueRemindersAsync(DateTimeOffset now)
    {
        if (FindReminders() is not { } reminders || this is not IRemindable remindable)
        {
            return 0;
        }

        var fired = 0;
        foreach (var reminder in reminders.Items.Values.Where(r => r.Due <= now).OrderBy(r => r.Due).ToArray())
        {
            if (!reminders.Items.TryGetValue(reminder.Name, out var current) || current != reminder)
            {
                continue; // an earlier reminder's call moved or cleared this one
            }

            if (reminder.Period is { } period)
            {
                var next = reminder.Due;
                while (next <= now)
                {
                    next += period; // a grain that was down for many periods fires once, not once per missed period
                }

                reminders.Items[reminder.Name] = reminder with { Due = next };
            }
            else
            {
                reminders.Items.Remove(reminder.Name);
            }

            reminders.Changed = true;
            try
            {
                await remindable.ReceiveReminderAsync(reminder.Name, reminder.Due);
            }
            catch
            {
                // Memory already moved the reminder on; the stored one is still due. Reload, so it comes again.
                DiscardAfterTurn();
                throw;
            }

            fired++;
            if (Activation.DiscardRequested)
            {
                break; // the call left state it did not store; the rest wait for a fresh activation
            }
        }

        if (reminders.Changed && !Activation.DiscardRequested)
        {
            await WriteStateAsync();
        }

        return fired;
    }

    /// <summary>A grain's reminders by name, and whether they changed since they were last stored.</summary>
    private sealed class ReminderSet
    {
        public SortedDictionary<string, Reminder> Items { get; } = new(StringComparer.Ordinal);

        public bool Changed { get; set; }
    }
}
