import type { Metadata } from "next";
import { Suspense } from "react";
import { FleetOverview } from "@/components/clusters/fleet-overview";

export const metadata: Metadata = { title: "Fleet" };

export default function FleetPage() {
  return (
    <Suspense>
      <FleetOverview />
    </Suspense>
  );
}
