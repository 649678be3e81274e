using TimeBank.Ledger;

namespace TimeBank.Grains;

public sealed class TimeBankGrainOptions
{
    /// <summary>Points per hour of service in the default policy a new community gets when created without one.</summary>
    public long PointsPerHour { get; set; } = 10;

    public void Validate()
    {
        if (PointsPerHour < 0 || PointsPerHour > Amounts.MaxPointsPerHour)
        {
            throw new ArgumentOutOfRangeException(nameof(PointsPerHour), PointsPerHour, $"PointsPerHour must be 0 to {Amounts.MaxPointsPerHour}.");
        }
    }
}
