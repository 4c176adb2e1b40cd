import { useEffect, useState } from 'react';
import { todayInZone } from '../lib/dates';

/** Today's date in the zone; updates when the day changes while the page is open. */
export function useToday(timeZone: string): string {
  const [today, setToday] = useState(() => todayInZone(timeZone));
  useEffect(() => {
    setToday(todayInZone(timeZone));
    const timer = setInterval(() => setToday(todayInZone(timeZone)), 60_000);
    return () => clearInterval(timer);
  }, [timeZone]);
  return today;
}
