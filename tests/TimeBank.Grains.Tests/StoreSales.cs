using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Testing;
using StockSource = TimeBank.Grains.Stores.StockSource;

namespace TimeBank.Grains.Tests;

/// <summary>
/// A store to sell at, for the sales, refund, day and offline tests: "corner" in riverside, serving hillside,
/// with soap (5 points), rice (8) and tea (3), each with its stock, on a manual clock (2026-11-22, UTC).
/// </summary>
internal static class StoreSales
{
    public const string StoreId = "corner";

    public const string Today = "2026-11-22";

    public const string Redeemed = "store/corner/points-redeemed";

    public static async Task<(GrainTestHost Test, ManualClock Clock)> StartAsync(string provider, long soap = 10, long rice = 10, long tea = 10)
    {
        var clock = new ManualClock();
        var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var store = test.Host.GetGrain<IStoreGrain>(StoreId);
        Assert.True((await store.OpenStoreAsync(new OpenStore(TestRequests.NewKey(), "riverside", "Corner store", ["hillside"]))).Succeeded);
        foreach (var (item, name, price, stock) in new[] { ("soap", "Soap", 5L, soap), ("rice", "Rice, 5 kg", 8L, rice), ("tea", "Tea", 3L, tea) })
        {
            Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), item, name, price, true))).Succeeded);
            if (stock > 0)
            {
                Assert.True((await store.RestockAsync(new Restock(TestRequests.NewKey(), item, stock, StockSource.Bought))).Succeeded);
            }
        }

        return (test, clock);
    }

    public static IStoreGrain Store(this GrainTestHost test) => test.Host.GetGrain<IStoreGrain>(StoreId);

    public static IVolunteerGrain Volunteer(this GrainTestHost test, string id) => test.Host.GetGrain<IVolunteerGrain>(id);

    /// <summary>A volunteer with <paramref name="points"/> points (deposited as hours at 10 points an hour: a multiple of 5).</summary>
    public static Task<IVolunteerGrain> VolunteerAsync(GrainTestHost test, string id, long points, string community = "riverside")
        => TransferHoursTests.VolunteerAsync(test, id, community, minutes: points * 6);

    public static Redeem Sale(string requestId, string volunteerId, long total, params (string Item, long Quantity)[] lines)
        => new(TestRequests.Key(requestId), volunteerId, lines.Select(l => new BasketLine(l.Item, l.Quantity)).ToArray(), total);

    public static async Task<long> PointsAsync(this GrainTestHost test, string volunteerId)
        => (await test.Volunteer(volunteerId).GetBalanceAsync()).Value!.PointsAvailable;

    /// <summary>The stock of each item, by item id, as the catalog shows it.</summary>
    public static async Task<Dictionary<string, long>> StockAsync(this GrainTestHost test)
        => (await test.Store().GetCatalogAsync()).Value!.Items.ToDictionary(i => i.ItemId, i => i.Stock);

    /// <summary>The store's state as stored: what a restart would load.</summary>
    public static async Task<StoreState> StoredStateAsync(this GrainTestHost test)
    {
        var stored = await test.Storage.ReadStateAsync($"store/{StoreId}", TestContext.Current.CancellationToken);
        return new JsonGrainStateSerializer().Deserialize<StoreState>(stored!.Payload.Span);
    }

    public static async Task<IReadOnlyList<Storage.JournalEntry>> PointRowsAsync(this GrainTestHost test, string volunteerId)
        => (await test.Storage.ReadJournalAsync($"volunteer/{volunteerId}", 0, 10_000, TestContext.Current.CancellationToken))
            .Where(r => r.Ledger == (int)LedgerKind.Points).ToList();

    /// <summary>Every receipt of today's book.</summary>
    public static async Task<IReadOnlyList<Receipt>> ReceiptsAsync(this GrainTestHost test, string day = Today)
        => (await test.Store().ListReceiptsAsync(new ListReceipts(day, PageSize: 500))).Value!.Receipts;

    /// <summary>Grain options whose step hook crashes the process at <paramref name="step"/>.</summary>
    public static TimeBankGrainOptions CrashingAt(string step)
        => new() { StepHook = s => s == step ? throw new SimulatedCrashException(s) : Task.CompletedTask };

    /// <summary>Moves past the store's retry interval and fires what is due, as the reminder poll would.</summary>
    public static async Task FireRemindersAsync(GrainTestHost test, ManualClock clock)
    {
        clock.Advance(TimeSpan.FromSeconds(6));
        await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Answers compared by content (receipts hold lists, which records compare by reference).</summary>
    public static void SameAnswer<T>(T expected, T actual)
        => Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));

    public sealed class SimulatedCrashException(string step) : Exception($"Simulated crash after {step}.");
}
