using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TimeBank.Runtime.Internal;
using TimeBank.Storage;

namespace TimeBank.Runtime;

/// <summary>
/// Hosts grains in this process, as an Orleans silo does: one activation per grain id, created on the first
/// call, collected when idle, discarded when its state write fails.
/// </summary>
public sealed class GrainHost : IGrainFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _directory = new();
    private readonly ConcurrentDictionary<Type, GrainRegistration> _registrations = new();
    private readonly ConcurrentDictionary<string, GrainRegistration> _registrationsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrainId, byte> _remindersFiring = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reminderPoll;
    private readonly GrainHostOptions _options;
    private readonly WaitForGraph _waitsFor = new();
    private readonly ILogger _logger;
    private readonly ITimer? _collectionTimer;
    private int _collecting;
    private volatile bool _disposed;

    public GrainHost(
        IGrainStorage storage,
        GrainHostOptions? options = null,
        TimeProvider? clock = null,
        ILoggerFactory? loggerFactory = null,
        IGrainStateSerializer? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        Storage = storage;
        _options = options ?? new GrainHostOptions();
        Clock = clock ?? TimeProvider.System;
        Serializer = serializer ?? new JsonGrainStateSerializer();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GrainHost>();
        if (_options.CollectionQuantum > TimeSpan.Zero)
        {
            _collectionTimer = Clock.CreateTimer(
                static s => ((GrainHost)s!).OnCollectionTimer(), this, _options.CollectionQuantum, _options.CollectionQuantum);
        }

        _reminderPoll = _options.ReminderPollInterval > TimeSpan.Zero ? Task.Run(PollRemindersAsync) : Task.CompletedTask;
    }

    public TimeProvider Clock { get; }

    /// <summary>Live activations (activating, active or being deactivated).</summary>
    public int ActivationCount => _directory.Count;

    /// <summary>Where grains' state and journal are written; read directly only by what reads no grain's state (reports).</summary>
    public IGrainStorage Storage { get; }

    internal IGrainStateSerializer Serializer { get; }

    /// <summary>
    /// Registers a grain type whose reference TimeBank.CodeGen generated. <paramref name="typeName"/> is part
    /// of every stored grain id, so it never changes once data exists.
    /// </summary>
    public void AddGrainType<TGrainInterface>(string typeName, Func<Grain> createGrain)
        where TGrainInterface : IGrainWithStringKey
    {
        var create = GrainReferences.For(typeof(TGrainInterface));
        AddGrainType(typeName, createGrain, context => (TGrainInterface)(object)create(context));
    }

    /// <summary>
    /// Registers a grain type with a reference factory of the caller's own. <paramref name="typeName"/> is
    /// part of every stored grain id, so it never changes once data exists.
    /// </summary>
    public void AddGrainType<TGrainInterface>(string typeName, Func<Grain> createGrain, Func<GrainReferenceContext, TGrainInterface> createReference)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(createGrain);
        ArgumentNullException.ThrowIfNull(createReference);
        if (typeName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A grain type name has no '/'.", nameof(typeName));
        }

        var registration = new GrainRegistration(
            typeName,
            typeof(TGrainInterface),
            createGrain,
            context => createReference(context) as GrainReference
                ?? throw new InvalidOperationException($"The reference for {typeof(TGrainInterface).Name} must derive from GrainReference."));
        if (!_registrationsByName.TryAdd(typeName, registration))
        {
            throw new InvalidOperationException($"A grain type named '{typeName}' is already registered.");
        }

        if (!_registrations.TryAdd(typeof(TGrainInterface), registration))
        {
            _registrationsByName.TryRemove(typeName, out _);
            throw new InvalidOperationException($"{typeof(TGrainInterface).Name} is already registered.");
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
        => GetGrain<TGrainInterface>(key, origin: null);

    /// <param name="origin">The activation whose grain asks, so its calls are bounded and checked for cycles.</param>
    internal TGrainInterface GetGrain<TGrainInterface>(string key, Activation? origin)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_registrations.TryGetValue(typeof(TGrainInterface), out var registration))
        {
            throw new InvalidOperationException($"No grain type is registered for {typeof(TGrainInterface).Name}.");
        }

        var context = new GrainReferenceContext(this, registration, new GrainId(registration.TypeName, key), origin);
        return (TGrainInterface)(object)registration.CreateReference(context);
    }

    /// <summary>
    /// Deactivates activations idle for at least <paramref name="olderThan"/> (default: the configured
    /// collection age). Returns how many were collected.
    /// </summary>
    public async Task<int> CollectIdleActivationsAsync(TimeSpan? olderThan = null, CancellationToken cancellationToken = default)
    {
        var age = olderThan ?? _options.CollectionAge;
        var now = Clock.GetTimestamp();
        var collected = 0;
        foreach (var (id, activation) in _directory)
        {
            if (!activation.TryBeginDeactivation(now, age))
            {
                continue;
            }

            _directory.TryRemove(KeyValuePair.Create(id, activation));
            try
            {
                await activation.DeactivateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RuntimeLog.DeactivationFailed(_logger, id, e);
            }

            collected++;
        }

        if (collected > 0)
        {
            RuntimeLog.Collected(_logger, collected);
        }

        return collected;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _reminderPoll.ConfigureAwait(false);
        if (_collectionTimer is not null)
        {
            await _collectionTimer.DisposeAsync().ConfigureAwait(false);
        }

        await CollectIdleActivationsAsync(TimeSpan.Zero).ConfigureAwait(false);
    }

    /// <summary>
    /// Fires every durable reminder due now: activates each grain that has one (loading its state, after a
    /// restart too) and runs its due reminders in a turn of its own. Returns how many grains were called.
    /// The host's poll calls this every <see cref="GrainHostOptions.ReminderPollInterval"/>.
    /// </summary>
    public async Task<int> FireDueRemindersAsync(CancellationToken cancellationToken = default)
    {
        var due = await Storage.ReadDueRemindersAsync(Clock.GetUtcNow(), 1_000, cancellationToken).ConfigureAwait(false);
        var calls = new List<Task>(due.Count);
        foreach (var reminder in due)
        {
            var slash = reminder.GrainId.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !_registrationsByName.TryGetValue(reminder.GrainId[..slash], out var registration))
            {
                RuntimeLog.ReminderForUnknownGrain(_logger, reminder.GrainId);
                continue;
            }

            var id = new GrainId(registration.TypeName, reminder.GrainId[(slash + 1)..]);
            if (_remindersFiring.TryAdd(id, 0))
            {
                calls.Add(FireAsync(id, registration));
            }
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        return calls.Count;
    }

    private async Task FireAsync(GrainId id, GrainRegistration registration)
    {
        try
        {
            var reference = registration.CreateReference(new GrainReferenceContext(this, registration, id));
            await InvokeDirect<Grain, DateTimeOffset, int>(reference, static (grain, now) => grain.FireDueRemindersAsync(now), Clock.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The reminder stays due and comes again at the next poll.
            RuntimeLog.ReminderFailed(_logger, id, e);
        }
        finally
        {
            _remindersFiring.TryRemove(id, out _);
        }
    }

    private async Task PollRemindersAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ReminderPollInterval, _stopping.Token).ConfigureAwait(false);
                await FireDueRemindersAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RuntimeLog.ReminderPollFailed(_logger, e);
            }
        }
    }

    internal Task<TResult> InvokeAsync<TGrain, TArg, TResult>(GrainReference target, Func<TGrain, TArg, Task<TResult>> method, TArg arg)
        where TGrain : class
        => target.Origin is { } origin ? InvokeFromGrain(origin.Id, target, method, arg) : InvokeDirect(target, method, arg);

    /// <summary>
    /// A call from inside a grain's turn: refused at once when it would close a wait cycle, else bounded by
    /// <see cref="GrainHostOptions.ResponseTimeout"/>. Calls from outside any grain skip all of this.
    /// </summary>
    private Task<TResult> InvokeFromGrain<TGrain, TArg, TResult>(GrainId caller, GrainReference target, Func<TGrain, TArg, Task<TResult>> method, TArg arg)
        where TGrain : class
    {
        if (_waitsFor.TryAdd(caller, target.GrainId) is { } cycle)
        {
            RuntimeLog.CycleRefused(_logger, string.Join(" -> ", cycle));
            return Task.FromException<TResult>(new GrainCallCycleException(cycle));
        }

        Task<TResult> call;
        try
        {
            call = InvokeDirect(target, method, arg);
        }
        catch
        {
            _waitsFor.Remove(caller, target.GrainId);
            throw;
        }

        return AwaitBoundedAsync(call, caller, target.GrainId);
    }

    private async Task<TResult> AwaitBoundedAsync<TResult>(Task<TResult> call, GrainId caller, GrainId target)
    {
        try
        {
            return await call.WaitAsync(_options.ResponseTimeout, Clock).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            // The callee's turn goes on undisturbed; only this caller stops waiting.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new GrainCallTimeoutException(target, _options.ResponseTimeout);
        }
        finally
        {
            _waitsFor.Remove(caller, target);
        }
    }

    private Task<TResult> InvokeDirect<TGrain, TArg, TResult>(GrainReference target, Func<TGrain, TArg, Task<TResult>> method, TArg arg)
        where TGrain : class
    {
        if (_disposed)
        {
            return Task.FromException<TResult>(new ObjectDisposedException(nameof(GrainHost)));
        }

        Task<TResult>? task;
        if (target.CachedActivation is { } cached && cached.TryInvoke(method, arg, fromCache: true, out task))
        {
            return task!;
        }

        while (true)
        {
            var activation = GetOrCreateActivation(target.GrainId, target.Registration);
            if (activation.TryInvoke(method, arg, fromCache: false, out task))
            {
                target.CachedActivation = activation;
                return task!;
            }

            // It is deactivating or gone: drop it from the directory (if still there) and make a new one.
            _directory.TryRemove(KeyValuePair.Create(target.GrainId, activation));
        }
    }

    internal void OnDiscarded(Activation activation, List<IWorkItem> queued)
    {
        _directory.TryRemove(KeyValuePair.Create(activation.Id, activation));
        RuntimeLog.Discarded(_logger, activation.Id, queued.Count);
        if (queued.Count == 0)
        {
            return;
        }

        var reference = activation.Registration.CreateReference(new GrainReferenceContext(this, activation.Registration, activation.Id));
        foreach (var item in queued)
        {
            item.Redirect(this, reference);
        }
    }

    /// <summary>An activation that had nothing worth keeping went away at the end of its last turn.</summary>
    internal void OnReleased(Activation activation)
    {
        _directory.TryRemove(KeyValuePair.Create(activation.Id, activation));
        _ = DeactivateReleasedAsync(activation);
    }

    private async Task DeactivateReleasedAsync(Activation activation)
    {
        try
        {
            await activation.DeactivateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RuntimeLog.DeactivationFailed(_logger, activation.Id, e);
        }
    }

    internal void OnActivationFailed(Activation activation, Exception error, List<IWorkItem> queued)
    {
        _directory.TryRemove(KeyValuePair.Create(activation.Id, activation));
        RuntimeLog.ActivationFailed(_logger, activation.Id, error);
        foreach (var item in queued)
        {
            item.Fail(error);
        }
    }

    private Activation GetOrCreateActivation(GrainId id, GrainRegistration registration)
    {
        if (_directory.TryGetValue(id, out var existing))
        {
            return existing;
        }

        var created = new Activation(this, id, registration);
        var winner = _directory.GetOrAdd(id, created);
        if (ReferenceEquals(winner, created))
        {
            created.Start();
        }

        return winner;
    }

    private void OnCollectionTimer()
    {
        if (Interlocked.Exchange(ref _collecting, 1) == 1)
        {
            return; // the previous pass is still running
        }

        _ = CollectFromTimerAsync();
    }

    private async Task CollectFromTimerAsync()
    {
        try
        {
            await CollectIdleActivationsAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RuntimeLog.CollectionFailed(_logger, e);
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }
}
