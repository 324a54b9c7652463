// The property's stay-over cleaning policy as one line with a Change
// button, which the housekeeping board embeds above its units: everyone on
// the board reads it, owners and managers change it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import EditIcon from "@mui/icons-material/Edit";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { stayoverPolicyLabel } from "./content.ts";

/**
 * The property's stay-over cleaning policy (properties.stayover_clean_nights:
 * every N nights of a stay, 0 = off), which makes the board's stay-over
 * tasks each morning; shown to everyone on the board, changed by owners and
 * managers (the update_manager policy of properties).
 */
export function StayoverPolicy({ propertyId }: { propertyId: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const canEdit = useCanAccess({ resource: "housekeeping", action: "stayover_policy", record: { propertyId } }).canAccess ?? false;
  const query = useQuery({ queryKey: ["property", "content", propertyId], queryFn: ({ signal }) => dataProvider.propertyContent({ propertyId }, { signal }) });
  const [editing, setEditing] = useState(false);
  const [nights, setNights] = useState("0");
  if (!query.data) return null;
  const current = query.data.stayoverCleanNights;
  const parsed = /^\d{1,2}$/.test(nights.trim()) ? Number(nights.trim()) : null;
  const invalid = parsed === null || parsed > 30 ? "A whole number from 0 to 30." : null;
  return (
    <>
      <Stack direction="row" sx={{ alignItems: "center", flexWrap: "wrap", columnGap: 1, mb: 2 }} data-testid="stayover-policy" data-nights={current}>
        <Typography variant="body2">
          <strong>Stay-over cleaning:</strong> {stayoverPolicyLabel(current)}
        </Typography>
        {canEdit && (
          <Button
            size="small"
            startIcon={<EditIcon />}
            onClick={() => {
              setNights(String(current));
              setEditing(true);
            }}
            sx={{ minHeight: 40 }}
          >
            Change
          </Button>
        )}
      </Stack>
      {editing && (
        <ActionDialog
          title="Stay-over cleaning"
          confirmLabel="Save"
          input={parsed}
          invalid={invalid}
          maxWidth="xs"
          testId="stayover-policy-dialog"
          errorTitle="The policy was not changed"
          onSubmit={async (input) => {
            const saved = await dataProvider.setStayoverPolicy({ propertyId, nights: input ?? 0 });
            queryClient.setQueryData(["property", "content", propertyId], saved);
            notify(`Stay-over cleaning: ${stayoverPolicyLabel(saved.stayoverCleanNights).toLowerCase()}. From tomorrow's tasks.`, { type: "success" });
          }}
          onClose={() => setEditing(false)}
        >
          <Typography variant="body2">
            Occupied units get a stay-over cleaning task every this many nights of a stay; 0 turns it off (units are cleaned at check-out). A guest's
            do-not-disturb skips that day.
          </Typography>
          <TextField
            label="Every … nights (0 = off)"
            value={nights}
            onChange={(e) => setNights(e.target.value)}
            size="small"
            autoFocus
            fullWidth
            error={invalid !== null}
            helperText={invalid ?? stayoverPolicyLabel(parsed ?? 0)}
            slotProps={{ htmlInput: { inputMode: "numeric", maxLength: 2 } }}
          />
        </ActionDialog>
      )}
    </>
  );
}
