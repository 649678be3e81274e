using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

/// <summary>A grain with durable reminders: it records every reminder it receives in its state.</summary>
public interface IAlarmGrain : IGrainWithStringKey
{
    Task<bool> SetAsync(string name, DateTimeOffset due, TimeSpan? period);

    Task<bool> ClearAsync(string name);

    Task<string[]> FiredAsync();

    Task<string[]> PendingAsync();

    /// <summary>The next <paramref name="times"/> reminders this activation receives throw.</summary>
    Task<bool> FailNextAsync(int times);
}

public sealed class AlarmState
{
    public List<string> Fired { get; set; } = [];
}

public sealed class AlarmGrain : Grain<AlarmState>, IAlarmGrain, IRemindable
{
    private int _failures;

    public async Task<bool> SetAsync(string name, DateTimeOffset due, TimeSpan? period)
    {
        SetReminder(name, due, period);
        await WriteStateAsync();
        return true;
    }

    public async Task<bool> ClearAsync(string name)
    {
        ClearReminder(name);
        await WriteStateAsync();
        return true;
    }

    public Task<string[]> FiredAsync() => Task.FromResult(State.Fired.ToArray());

    public Task<string[]> PendingAsync() => Task.FromResult(Reminders.Select(r => $"{r.Name}@{r.Due:HH:mm}").ToArray());

    public Task<bool> FailNextAsync(int times)
    {
        _failures = times;
        return Task.FromResult(true);
    }

    public async Task ReceiveReminderAsync(string name, DateTimeOffset due)
    {
        if (_failures-- > 0)
        {
            throw new InvalidOperationException("the handler failed");
        }

        State.Fired.Add($"{name}@{due:HH:mm}");
        await WriteStateAsync();
    }
}
