namespace TimeBank.Runtime.Internal;

/// <summary>
/// One live instance of a grain and its queue of calls. Calls run one at a time in arrival order. A call
/// that finds the activation idle runs at once on the caller's thread (no queue, no thread hop); a call that
/// finds it busy waits in the queue, and the turn that ends hands the next call to the thread pool.
/// </summary>
/// <remarks>
/// Locks on itself: the class is internal and sealed, so nothing else can take this monitor, and an idle
/// activation stays one object smaller (memory per idle activation is a design target).
/// </remarks>
internal sealed class Activation : IGrainFactory
{
    private Queue<IWorkItem>? _queue;
    private Grain? _grain;
    private ActivationStatus _status = ActivationStatus.Activating;
    private bool _busy = true; // activating is the first turn
    private bool _discardRequested;
    private long _idleSince;
    private Exception? _activationError;

    public Activation(GrainHost host, GrainId id, GrainRegistration registration)
    {
        Host = host;
        Id = id;
        Registration = registration;
    }

    public GrainHost Host { get; }

    public GrainId Id { get; }

    public GrainRegistration Registration { get; }

    /// <summary>Set by the grain (<see cref="Grain.DeactivateOnIdle"/>); kept here, in the padding beside the other flags.</summary>
    public bool DeactivateOnIdleRequested { get; set; }

    /// <summary>
    /// The grain's state was never written and it keeps nothing else worth memory (a lookup of an unknown
    /// id): the activation goes as soon as it is idle. Set by <see cref="Grain{TState}"/>.
    /// </summary>
    public bool Stateless { get; set; }

    /// <summary>The factory the grain sees: its references carry this activation as their origin, for call timeouts and cycle checks.</summary>
    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(string key) => Host.GetGrain<TGrainInterface>(key, this);

    /// <summary>Loads state and runs <see cref="Grain.OnActivateAsync"/>; calls queue behind it.</summary>
    public void Start() => _ = ActivateAsync();

    /// <summary>Runs or queues the call. False when the activation no longer takes calls.</summary>
    /// <param name="fromCache">The caller found this activation in a reference's cache rather than the
    /// directory: a failed activation then sends it to the directory instead of repeating the old error.</param>
    public bool TryInvoke<TGrain, TArg, TResult>(Func<TGrain, TArg, Task<TResult>> method, TArg arg, bool fromCache, out Task<TResult>? task)
        where TGrain : class
    {
        lock (this)
        {
            if (_activationError is not null && !fromCache)
            {
                // Activation failed (storage down, bad state): this caller gets that error rather than a retry
                // loop; the activation is already out of the directory, so the next call tries afresh.
                task = Task.FromException<TResult>(_activationError);
                return true;
            }

            if (_status >= ActivationStatus.Deactivating)
            {
                task = null;
                return false;
            }

            if (_busy)
            {
                var item = new CallWorkItem<TGrain, TArg, TResult>(method, arg);
                (_queue ??= new Queue<IWorkItem>()).Enqueue(item);
                task = item.Task;
                return true;
            }

            _busy = true;
        }

        task = RunInline(method, arg);
        return true;
    }

    /// <summary>True once this turn asked for the activation to be discarded: its in-memory state is not to be trusted.</summary>
    public bool DiscardRequested
    {
        get
        {
            lock (this)
            {
                return _discardRequested;
            }
        }
    }

    /// <summary>Called inside a turn whose state write failed: once the turn ends, the activation is gone.</summary>
    public void DiscardAfterTurn()
    {
        lock (this)
        {
            _discardRequested = true;
        }
    }

    /// <summary>Claims an activation idle for at least <paramref name="age"/> for deactivation.</summary>
    public bool TryBeginDeactivation(long now, TimeSpan age)
    {
        lock (this)
        {
            if (_status != ActivationStatus.Active || _busy || Host.Clock.GetElapsedTime(_idleSince, now) < age)
            {
                return false;
            }

            _status = ActivationStatus.Deactivating;
            return true;
        }
    }

    public async Task DeactivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _grain!.OnDeactivateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (this)
            {
                _status = ActivationStatus.Gone;
            }
        }
    }

    private Task<TResult> RunInline<TGrain, TArg, TResult>(Func<TGrain, TArg, Task<TResult>> method, TArg arg)
        where TGrain : class
    {
        Task<TResult> task;
        try
        {
            task = method((TGrain)(object)_grain!, arg);
        }
        catch (Exception e)
        {
            task = Task.FromException<TResult>(e);
        }

        if (task.IsCompleted)
        {
            EndTurn();
            return task;
        }

        return AwaitThenEndTurn(task);
    }

    private async Task<TResult> AwaitThenEndTurn<TResult>(Task<TResult> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        finally
        {
            EndTurn();
        }
    }

    private void EndTurn()
    {
        var next = TakeNextOrGoIdle(out var redirect, out var released);
        if (released)
        {
            Host.OnReleased(this);
        }
        else if (redirect is not null)
        {
            Host.OnDiscarded(this, redirect);
        }
        else if (next is not null)
        {
            // The caller whose turn just ended gets its answer now; queued calls continue on the pool.
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Activation.DrainAsync(s.Next), (Activation: this, Next: next), preferLocal: true);
        }
    }

    private async Task DrainAsync(IWorkItem? item)
    {
        while (item is not null)
        {
            await item.ExecuteAsync(_grain!).ConfigureAwait(false);
            item = TakeNextOrGoIdle(out var redirect, out var released);
            if (released)
            {
                Host.OnReleased(this);
                return;
            }

            if (redirect is not null)
            {
                Host.OnDiscarded(this, redirect);
                return;
            }
        }
    }

    /// <param name="released">The activation has nothing worth keeping and no call waits: it is gone now.</param>
    /// <param name="afterCall">False at the end of activation: its first call may not be queued yet (it is
    /// queued after <see cref="Start"/> returns), so an activation never goes before serving one call.</param>
    private IWorkItem? TakeNextOrGoIdle(out List<IWorkItem>? redirect, out bool released, bool afterCall = true)
    {
        lock (this)
        {
            redirect = null;
            released = false;
            if (_discardRequested)
            {
                _status = ActivationStatus.Gone;
                _busy = false;
                redirect = TakeQueue();
                return null;
            }

            if (_queue is { Count: > 0 })
            {
                return _queue.Dequeue();
            }

            _busy = false;
            if (afterCall && (DeactivateOnIdleRequested || Stateless))
            {
                // A call racing this finds the activation gone and makes a fresh one, as after a discard.
                _status = ActivationStatus.Gone;
                _queue = null;
                released = true;
                return null;
            }

            _queue = null; // an idle activation keeps no empty queue around
            _idleSince = Host.Clock.GetTimestamp();
            return null;
        }
    }

    private List<IWorkItem> TakeQueue()
    {
        var items = _queue is null ? [] : new List<IWorkItem>(_queue);
        _queue = null;
        return items;
    }

    private async Task ActivateAsync()
    {
        try
        {
            var grain = Registration.CreateGrain();
            grain.Bind(this);
            await grain.LoadStateAsync(CancellationToken.None).ConfigureAwait(false);
            await grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(false);
            _grain = grain;
            lock (this)
            {
                _status = ActivationStatus.Active;
            }
        }
        catch (Exception e)
        {
            List<IWorkItem> failed;
            lock (this)
            {
                _status = ActivationStatus.Gone;
                _busy = false;
                _activationError = e;
                failed = TakeQueue();
            }

            Host.OnActivationFailed(this, e, failed);
            return;
        }

        await DrainAsync(TakeNextOrGoIdle(out _, out _, afterCall: false)).ConfigureAwait(false);
    }
}

internal enum ActivationStatus
{
    Activating,
    Active,
    Deactivating,
    Gone,
}
