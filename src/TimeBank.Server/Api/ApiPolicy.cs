using TimeBank.Contracts.V1;
using TimeBank.Grains.Activities;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Funds;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Grains.Wishes;
using TimeBank.Rpc.Health;
using static TimeBank.Server.Auth.Role;

namespace TimeBank.Server.Api;

/// <summary>
/// The one table of who may do what: for every RPC the server answers, whether it mutates, its default
/// deadline, the roles allowed (admin always is, for any non-public RPC), where the scope is read, and what
/// carries it out. An RPC without an entry here is not served (the server refuses to start, and a test
/// fails), so no RPC ships unguarded.
/// </summary>
public static class ApiPolicy
{
    public static IReadOnlyList<RpcPolicy> All { get; } =
    [
        // Probes and load balancers call these without a key.
        RpcPolicy.For(HealthService.CheckMethod).Open(),
        RpcPolicy.For(HealthService.WatchMethod).Open().Deadline(Timeout.InfiniteTimeSpan),

        // Keys: who may touch which key is the handler's rule (a community admin: its own community's keys).
        RpcPolicy.For(AdminServiceMethods.CreateKey).Mutation().Allow(CommunityAdmin).ScopedBy(ScopeRule.ByHandler),
        RpcPolicy.For(AdminServiceMethods.ListKeys).Allow(CommunityAdmin).ScopedBy(ScopeRule.ByHandler),
        RpcPolicy.For(AdminServiceMethods.RevokeKey).Mutation().Allow(CommunityAdmin).ScopedBy(ScopeRule.ByHandler),

        RpcPolicy.For(CommunityServiceMethods.CreateCommunity).Mutation().Grain<ICommunityGrain>("community_id").Allow(),
        RpcPolicy.For(CommunityServiceMethods.GetCommunity)
            .Grain<ICommunityGrain>("community_id").Allow(CommunityAdmin, Organizer, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(CommunityServiceMethods.UpdatePolicy).Mutation()
            .Grain<ICommunityGrain>("community_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        // Reports: an empty community_id is every community, which only keys that reach everything pass.
        RpcPolicy.For(CommunityServiceMethods.GetTotals)
            .Grain<IReportGrain>("community_id", IReportGrain.EveryCommunity).Allow(CommunityAdmin, Auditor).ScopedBy(ScopeRule.CommunityField("community_id"))
            .Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(CommunityServiceMethods.GetLeaderboard)
            .Grain<IReportGrain>("community_id", IReportGrain.EveryCommunity).Allow(CommunityAdmin, App, Auditor).ScopedBy(ScopeRule.CommunityField("community_id"))
            .Deadline(TimeSpan.FromSeconds(10)),
        // Reads GetTotals through its own binding, so it differs from GetTotals only in format.
        RpcPolicy.For(CommunityServiceMethods.ExportReport).Allow(CommunityAdmin, Auditor).ScopedBy(ScopeRule.CommunityField("community_id")),

        RpcPolicy.For(ActivityServiceMethods.PublishActivity).Mutation()
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.CommunityField("community_id")),
        RpcPolicy.For(ActivityServiceMethods.GetActivity)
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, Organizer, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        // An app acts for its own community's volunteers, in whatever community the activity is.
        RpcPolicy.For(ActivityServiceMethods.SignUp).Mutation()
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OwnerOf<IVolunteerGrain>("volunteer_id")),
        RpcPolicy.For(ActivityServiceMethods.Withdraw).Mutation()
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OwnerOf<IVolunteerGrain>("volunteer_id")),
        RpcPolicy.For(ActivityServiceMethods.CancelActivity).Mutation()
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(ActivityServiceMethods.ConfirmAttendance).Mutation()
            .Grain<IActivityGrain>("activity_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(ActivityServiceMethods.ListVolunteerActivities)
            .Grain<IVolunteerActivitiesGrain>("volunteer_id").Allow(CommunityAdmin, App, Auditor).ScopedBy(ScopeRule.OwnerOf<IVolunteerGrain>("volunteer_id"))
            .Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(ActivityServiceMethods.ListActivities)
            .Grain<IActivityDirectoryGrain>("community_id").Allow(CommunityAdmin, Organizer, App, Auditor).ScopedBy(ScopeRule.CommunityField("community_id"))
            .Deadline(TimeSpan.FromSeconds(10)),

        RpcPolicy.For(StoreServiceMethods.OpenStore).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.CommunityField("community_id")),
        RpcPolicy.For(StoreServiceMethods.UpsertItem).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.Restock).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.AdjustStock).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.CreateFund).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.CommunityField("community_id")),
        RpcPolicy.For(FundServiceMethods.UpdateCommittee).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.Donate).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.CreatePledge).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.ProposeAllocation).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommitteeMember).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.Vote).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommitteeMember).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.PayOut).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.CancelAllocation).Mutation()
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(FundServiceMethods.GetFund)
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin, App, Auditor, CommitteeMember).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(FundServiceMethods.ListProposals)
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin, App, Auditor, CommitteeMember).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(FundServiceMethods.ListPledges)
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin, Auditor, CommitteeMember).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(FundServiceMethods.GetFundStatement)
            .Grain<IFundGrain>("fund_id").Allow(CommunityAdmin, Auditor, CommitteeMember).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(StoreServiceMethods.SetStoreRules).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.Redeem).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.Refund).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.CloseDay).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(StoreServiceMethods.SyncOfflineRedemptions).Mutation()
            .Grain<IStoreGrain>("store_id").Allow(Terminal).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(60)),
        RpcPolicy.For(StoreServiceMethods.GetReceipt)
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(StoreServiceMethods.ListReceipts)
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(StoreServiceMethods.GetCatalog)
            .Grain<IStoreGrain>("store_id").Allow(CommunityAdmin, Terminal, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),

        RpcPolicy.For(WishServiceMethods.PostWish).Mutation()
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.CommunityField("community_id")),
        RpcPolicy.For(WishServiceMethods.GetWish)
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, Organizer, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        RpcPolicy.For(WishServiceMethods.ClaimWish).Mutation()
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OwnerOf<IVolunteerGrain>("volunteer_id")),
        RpcPolicy.For(WishServiceMethods.ReleaseWish).Mutation()
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OwnerOf<IVolunteerGrain>("volunteer_id")),
        RpcPolicy.For(WishServiceMethods.WithdrawWish).Mutation()
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(WishServiceMethods.ConfirmWishFulfilled).Mutation()
            .Grain<IWishGrain>("wish_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.OfTarget),

        RpcPolicy.For(LedgerServiceMethods.VerifyJournal)
            .Allow(CommunityAdmin, Auditor).ScopedBy(ScopeRule.CommunityField("community_id")).Deadline(TimeSpan.FromMinutes(30)),

        RpcPolicy.For(VolunteerServiceMethods.RegisterVolunteer).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.CommunityField("community_id")),
        RpcPolicy.For(VolunteerServiceMethods.DepositHours).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, Organizer).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.GetBalance)
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        // Scoped by the payer: the recipient may be in any community (hours are used across the city).
        RpcPolicy.For(VolunteerServiceMethods.TransferHours).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.HoldPoints).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.PostHold).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.VoidHold).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.ReverseTransfer).Mutation()
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin).ScopedBy(ScopeRule.OfTarget),
        RpcPolicy.For(VolunteerServiceMethods.GetStatement)
            .Grain<IVolunteerGrain>("volunteer_id").Allow(CommunityAdmin, App, Auditor).ScopedBy(ScopeRule.OfTarget).Deadline(TimeSpan.FromSeconds(10)),
        // Pages through GetStatement's own binding, so its scope (the volunteer's community) is GetStatement's.
        RpcPolicy.For(VolunteerServiceMethods.ExportStatement)
            .Allow(CommunityAdmin, App, Auditor).ScopedBy(ScopeRule.ByHandler),
    ];
}
