using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerDirectory.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PriorActivity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PriorDonatedMinor",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "PriorDonationCount",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "PriorLastDonationAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PriorLastOrderAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PriorLastVisitAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PriorOrderCount",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PriorSpentMinor",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "PriorVisitCount",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PriorDonatedMinor",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorDonationCount",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorLastDonationAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorLastOrderAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorLastVisitAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorOrderCount",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorSpentMinor",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "PriorVisitCount",
                table: "Customers");
        }
    }
}
