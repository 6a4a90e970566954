"""The campaign timer: APScheduler used only as a beat; what is due lives in our tables."""

from bot.scheduling.timer import CampaignTimer, running_campaign_timer

__all__ = ["CampaignTimer", "running_campaign_timer"]
