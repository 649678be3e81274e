using TimeBank.Grains.Activities;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Funds;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Grains.Wishes;
using TimeBank.Runtime;
using TimeBank.Storage.Reports;

namespace TimeBank.Grains;

public static class GrainHostExtensions
{
    /// <summary>Registers every TimeBank grain type with the host.</summary>
    public static GrainHost AddTimeBankGrains(this GrainHost host, TimeBankGrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var policies = new PolicyCache(host.Clock);
        host.AddGrainType<IVolunteerGrain>(VolunteerGrain.TypeName, () => new VolunteerGrain(policies, options));
        host.AddGrainType<ICommunityGrain>(CommunityGrain.TypeName, () => new CommunityGrain(options, policies));
        host.AddGrainType<IActivityGrain>(ActivityGrain.TypeName, () => new ActivityGrain(policies, options));
        host.AddGrainType<IActivityDirectoryGrain>(ActivityDirectoryGrain.TypeName, () => new ActivityDirectoryGrain());
        host.AddGrainType<IVolunteerActivitiesGrain>(VolunteerActivitiesGrain.TypeName, () => new VolunteerActivitiesGrain());
        host.AddGrainType<IStoreGrain>(StoreGrain.TypeName, () => new StoreGrain(policies, options));
        host.AddGrainType<IFundGrain>(FundGrain.TypeName, () => new FundGrain(policies));
        host.AddGrainType<IStoreDayGrain>(StoreDayGrain.TypeName, () => new StoreDayGrain());
        host.AddGrainType<IWishGrain>(WishGrain.TypeName, () => new WishGrain(policies, options));
        var reports = host.Storage as IReportStore
            ?? throw new InvalidOperationException($"The {host.Storage.Name} storage keeps no report totals (IReportStore); TimeBank's reports need them.");
        host.AddGrainType<IReportGrain>(ReportGrain.TypeName, () => new ReportGrain(reports));
        return host;
    }
}
