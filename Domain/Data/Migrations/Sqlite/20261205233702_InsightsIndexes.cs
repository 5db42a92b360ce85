using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerDirectory.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InsightsIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_CustomerId_OrderedAt",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_VisitedAt_CustomerId",
                table: "Visits",
                columns: new[] { "VisitedAt", "CustomerId" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_CustomerId_OrderedAt_AmountMinor",
                table: "Orders",
                columns: new[] { "CustomerId", "OrderedAt", "AmountMinor" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_OrderedAt_CustomerId_AmountMinor",
                table: "Orders",
                columns: new[] { "OrderedAt", "CustomerId", "AmountMinor" });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_FirstOrderAt",
                table: "Customers",
                column: "FirstOrderAt");

            migrationBuilder.CreateIndex(
                name: "IX_Customers_FirstVisitAt",
                table: "Customers",
                column: "FirstVisitAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Visits_VisitedAt_CustomerId",
                table: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Orders_CustomerId_OrderedAt_AmountMinor",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_OrderedAt_CustomerId_AmountMinor",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Customers_FirstOrderAt",
                table: "Customers");

            migrationBuilder.DropIndex(
                name: "IX_Customers_FirstVisitAt",
                table: "Customers");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_CustomerId_OrderedAt",
                table: "Orders",
                columns: new[] { "CustomerId", "OrderedAt" });
        }
    }
}
