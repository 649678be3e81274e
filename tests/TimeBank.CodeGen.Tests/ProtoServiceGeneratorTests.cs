namespace TimeBank.CodeGen.Tests;

public sealed class ProtoServiceGeneratorTests
{
    private const string Proto = """
        syntax = "proto3";
        package shop.v1;
        option csharp_namespace = "Shop.V1";
        // A comment with rpc Fake(A) returns (B); in it, which must not count.
        service StoreService {
          // Sells things.
          rpc Sell(SellRequest) returns (SellResponse);
          rpc Watch (WatchRequest)
              returns (stream WatchEvent) {
            option deprecated = false;
          }
          /* rpc Hidden(X) returns (Y); */
        }
        message SellRequest {} message SellResponse {} message WatchRequest {} message WatchEvent {}
        """;

    [Fact]
    public void Method_descriptors_are_generated_for_every_rpc_and_nothing_in_comments()
    {
        var (_, diagnostics, sources) = Generators.Run(new ProtoServiceGenerator(), "", [("shop.proto", Proto)], "methods");

        Assert.Empty(diagnostics);
        var methods = Assert.Single(sources);
        Assert.Contains("public static partial class StoreServiceMethods", methods, StringComparison.Ordinal);
        Assert.Contains("Method<global::Shop.V1.SellRequest, global::Shop.V1.SellResponse> Sell", methods, StringComparison.Ordinal);
        Assert.Contains("Method<global::Shop.V1.WatchRequest, global::Shop.V1.WatchEvent> Watch", methods, StringComparison.Ordinal);
        Assert.DoesNotContain("Fake", methods, StringComparison.Ordinal);
        Assert.DoesNotContain("Hidden", methods, StringComparison.Ordinal);
        Assert.Contains("All { get; } = [Sell, Watch]", methods, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_methods_are_unary_or_streaming_as_the_rpc_is()
    {
        var (_, diagnostics, sources) = Generators.Run(new ProtoServiceGenerator(), "", [("shop.proto", Proto)], "client");

        Assert.Empty(diagnostics);
        var client = Assert.Single(sources);
        Assert.Contains("Task<global::Shop.V1.SellResponse> SellAsync(global::Shop.V1.SellRequest request", client, StringComparison.Ordinal);
        Assert.Contains("IAsyncEnumerable<global::Shop.V1.WatchEvent> WatchAsync(global::Shop.V1.WatchRequest request", client, StringComparison.Ordinal);
    }

    [Fact]
    public void An_rpc_that_cannot_be_read_is_an_error_naming_its_line_never_skipped()
    {
        const string broken = """
            syntax = "proto3";
            package shop.v1;
            option csharp_namespace = "Shop.V1";
            service StoreService {
              rpc Sell(SellRequest) returns (SellResponse);
              rpc Refund SellRequest returns (SellResponse);
              rpc Upload(stream Chunk) returns (SellResponse);
            }
            """;

        var (_, diagnostics, _) = Generators.Run(new ProtoServiceGenerator(), "", [("shop.proto", broken)], "methods");

        Assert.Equal(["TBG002", "TBG002"], diagnostics.Select(d => d.Id));
        Assert.Contains("shop.proto(6)", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("streams its requests", diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_rpcs_of_one_name_in_two_services_collide_in_the_client()
    {
        const string other = """
            syntax = "proto3";
            package shop.v1;
            option csharp_namespace = "Shop.V1";
            service OtherService { rpc Sell(SellRequest) returns (SellResponse); }
            """;

        var (_, diagnostics, _) = Generators.Run(new ProtoServiceGenerator(), "", [("shop.proto", Proto), ("other.proto", other)], "client");

        var collision = Assert.Single(diagnostics);
        Assert.Equal("TBG003", collision.Id);
        Assert.Contains("TimeBankClient.SellAsync", collision.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
